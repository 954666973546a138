"""Flet screens: thin components over the view-models in :mod:`mobile_app.models`."""
