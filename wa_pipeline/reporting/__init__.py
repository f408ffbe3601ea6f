"""The asset-check report: what ran per day, which checks passed, and the day's shape in numbers."""
