"""Broadsheet: what ties the pipeline's stages together (settings, records, archive, loader, CLI)."""
