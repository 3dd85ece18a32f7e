"""The producers' back office (trang quản lý của chủ thể): shop profile, products, variants."""
