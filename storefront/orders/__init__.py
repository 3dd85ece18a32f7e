"""Order groups split per producer: placement, stock, status, tracking and fulfilment."""
