"""Gold annotations of the five seed documents and the scorer that compares the importer against them."""
