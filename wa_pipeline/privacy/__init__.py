"""Privacy: forgetting a customer everywhere, and the tombstones that keep them forgotten."""
