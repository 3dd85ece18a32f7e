"""Shopping carts for guests and signed-in customers."""
