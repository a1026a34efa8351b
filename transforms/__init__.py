"""Pure functions from an archived page to a clean article record: extraction, boilerplate, dates."""
