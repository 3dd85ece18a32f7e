"""Payment providers: card (Stripe), bank transfer (VietQR) and cash on delivery."""
