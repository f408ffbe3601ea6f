"""One module per tab of the sheet: its name, key, managed columns and how its rows are built."""
