"""Hostile and bad input through every entry point: the corpus is in ``corpus.py``."""
