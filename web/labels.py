"""Labels (English msgids, translated at render) of the codes pages show, written once."""

from __future__ import annotations

# The idea fields of `ideas.models.IdeaField`.
FIELD_LABELS = {
    "digital_transformation": "Digital transformation",
    "education": "Education",
    "environment": "Environment",
    "health": "Health",
    "agriculture": "Agriculture",
    "culture": "Culture",
    "economy": "Economy",
    "public_administration": "Public administration",
    "science_technology": "Science and technology",
    "other": "Other",
}
