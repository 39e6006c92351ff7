"""The starter library, shipped inside the distribution as `portal.starter_content`.

Only the Markdown files (and the images they use) are content; this file exists so the
folder is a package that editable and regular installs both find (docs/decisions.md).
"""
