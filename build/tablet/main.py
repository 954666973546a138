"""Entry point of the packaged tablet app (``flet build apk``): the native app, data in the app's folder.

The app code itself (``mobile_app`` and ``common``) is installed into the package as the ``saoluu``
project (see ``[tool.flet]`` in ``pyproject.toml`` and ``build/README.md``).
"""

from mobile_app.__main__ import main

main([])
