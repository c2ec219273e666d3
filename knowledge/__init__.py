"""The curated knowledge base (YAML in data/) and the code that loads, validates and searches it."""
