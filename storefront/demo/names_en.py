"""English names for the demo products (the source file lists Vietnamese names only)."""

PRODUCT_NAMES_EN = {
    "Vải thiều Lục Ngạn": "Lục Ngạn lychee",
    "Mỳ gạo Lục Ngạn": "Lục Ngạn rice noodles",
    "Mỳ gạo ngũ sắc": "Five-colour rice noodles",
    "Mật ong hoa vải Hằng Hiếu": "Hằng Hiếu lychee-blossom honey",
    "Mỳ gạo Chũ Xuân Trường": "Xuân Trường Chũ rice noodles",
    "Mỳ Trại Lâm": "Trại Lâm noodles",
    "Rượu men lá Kiên Thành": "Kiên Thành leaf-yeast rice wine",
    "Vải thiều hữu cơ": "Organic lychee",
    "Vải u hồng Tân Mộc": "Tân Mộc pink-tipped lychee",
    "Ổi Đồng Nga": "Đồng Nga guava",
    "Ổi sạch Thu Quế": "Thu Quế clean guava",
    "Mận cơm Hoàng Thi Tân Sơn": "Hoàng Thi Tân Sơn rice plum",
    "Cao ngựa bạch Phong Vân": "Phong Vân white-horse bone extract",
    "Trà hoa cúc chi": "Wild chrysanthemum tea",
    "Điểm du lịch làng văn hóa Đông Bắc": "Đông Bắc cultural village tourist spot",
    "Điểm du lịch sinh thái Bầu Tiên": "Bầu Tiên eco-tourism spot",
    "Chè xanh Bản Ven": "Bản Ven green tea",
    "Chả gà": "Chicken patties",
    "Giò gà": "Chicken roll",
    "Xúc xích gà": "Chicken sausages",
    "Bánh khảo Mộc Sơn": "Mộc Sơn rice-flour cakes",
    "Đại An – Dầu mè đen": "Đại An black sesame oil",
    "Vải sớm Phúc Hòa": "Phúc Hòa early lychee",
    "Nem nướng Liên Chung": "Liên Chung grilled pork rolls",
    "Măng lục trúc tươi Lâm Sinh Ngọc Châu": "Ngọc Châu fresh green bamboo shoots",
    "Vú sữa Tân Yên": "Tân Yên star apple",
    "Sâm nam núi Dành khô": "Dried Núi Dành southern ginseng",
    "Nụ hoa sâm nam núi Dành khô": "Dried Núi Dành ginseng flower buds",
    "Ổi Tân Yên": "Tân Yên guava",
    "Rượu Nếp cái hoa vàng Làng Vân": "Làng Vân yellow-flower sticky rice liquor",
    "Rượu Cúc hoa tửu Làng Vân": "Làng Vân chrysanthemum liquor",
    "Snack gạo JOY sốt cay ngọt": "JOY sweet-and-spicy rice snack",
    "Cà chua Thùy Châm": "Thùy Châm tomatoes",
    "Nấm sò Thuyết Xuyến": "Thuyết Xuyến oyster mushrooms",
    "Ruốc nấm hương": "Shiitake mushroom floss",
    "Gạo nếp cái hoa vàng Thái Sơn": "Thái Sơn yellow-flower sticky rice",
    "Giò lụa thảo dược Bình Minh": "Bình Minh herbal pork roll",
    "Dưa kim Hoàng Hậu": "Hoàng Hậu golden melon",
    "Đông trùng hạ thảo khô": "Dried cordyceps",
}

# Records that name no producer: an invented one, clearly marked as an example.
MISSING_PRODUCERS = {
    "Rượu men lá Kiên Thành": ("Cơ sở rượu men lá Kiên Thành (ví dụ)", "household"),
    "Ổi Tân Yên": ("Tổ hợp tác ổi Tân Yên (ví dụ)", "cooperative_group"),
}

# (Vietnamese label, English label, base price in đồng) per product set; invented.
PACKS = {
    1: [("Hộp 1 kg", "1 kg box", 65000), ("Thùng 5 kg", "5 kg carton", 290000)],
    3: [("Túi 2 kg", "2 kg bag", 90000), ("Túi 5 kg", "5 kg bag", 210000)],
    4: [("Chai 500 ml", "500 ml bottle", 180000), ("Chai 1 lít", "1 litre bottle", 340000)],
    6: [("Gói 500 g", "500 g pack", 35000), ("Hộp quà 6 gói", "Gift box of 6", 195000)],
    7: [("Hũ 200 g", "200 g jar", 85000)],
    8: [("Gói 500 g", "500 g pack", 120000), ("Gói 1 kg", "1 kg pack", 230000)],
    10: [("Chai 250 ml", "250 ml bottle", 150000)],
    11: [("Gói 200 g", "200 g pack", 120000), ("Hộp quà 500 g", "500 g gift box", 350000)],
    12: [("Hộp 100 g", "100 g box", 140000)],
    14: [
        ("Chai 500 ml", "500 ml bottle", 160000),
        ("Bình sứ 1 lít", "1 litre ceramic jar", 450000),
    ],
    15: [("Chai 500 ml", "500 ml bottle", 220000)],
    18: [("Hộp 100 g", "100 g box", 650000), ("Hộp 250 g", "250 g box", 1250000)],
    26: [
        ("Vé tham quan (1 người)", "Entry ticket (1 person)", 50000),
        ("Tour trải nghiệm nửa ngày", "Half-day experience tour", 350000),
    ],
}
