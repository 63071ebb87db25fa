"""trialtables: clinical-trial tables from review articles -> arms, measures, abbreviations."""

__version__ = "0.1.0"
