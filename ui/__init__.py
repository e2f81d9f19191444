"""Streamlit-side helpers for the pages (core/ never imports streamlit)."""
