"""Referral and visitation pages, one module per part of the chain. Each view asks
inklusio.access (through the selectors), calls one service or selector, and renders or redirects."""
