"""Fitting what the readers ship: the confidence curves (`python -m elicitation.training.calibration`)
and the rule detector's weights (`python -m elicitation.training.detector TRAIN.csv`)."""
