"""Privacy: retention and the checks that nothing past it remains."""
