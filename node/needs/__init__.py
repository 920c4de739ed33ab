"""The needs analysis: per category and buurt, demand against supply."""
