"""The quickstart's own flavors package, laid out as the guide advises."""
