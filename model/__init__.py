"""stancewatch's library: labels, lexicon matcher, segmentation and voice, the classifier,
prediction records and model artifacts. It never imports FastAPI."""

__version__ = "0.1.0"
