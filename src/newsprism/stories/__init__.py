"""stories stage."""
