"""The messaging channels: one pipeline for all of them (``base.py``), one thin module each."""
