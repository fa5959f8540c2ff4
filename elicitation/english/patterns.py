"""The constructions the extractor recognises, as data, each named and with an example.

Marker phrases are matched on lower-cased token text; the extractor then follows the
dependency parse from the marker to the clause it introduces.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Marker:
    name: str
    words: tuple[str, ...]
    role: str  # "condition", "exception" or "rationale"
    base_confidence: float
    example: str


MARKERS: tuple[Marker, ...] = (
    Marker("as-soon-as", ("as", "soon", "as"), "condition", 0.7, "As soon as the slag foams, lower the lance."),
    Marker("as-long-as", ("as", "long", "as"), "condition", 0.7, "As long as the arc crackles, keep going."),
    Marker("in-case", ("in", "case"), "condition", 0.65, "In case the flame flickers, check the gas."),
    Marker("provided-that", ("provided", "that"), "condition", 0.7, "Provided that the plate is dry, start welding."),
    Marker("every-time", ("every", "time"), "condition", 0.7, "Every time it rains, we cover the joint."),
    Marker("each-time", ("each", "time"), "condition", 0.7, "Each time the tool squeals, reduce the feed."),
    Marker("the-moment", ("the", "moment"), "condition", 0.65, "The moment it sounds dead, put it aside."),
    Marker("the-minute", ("the", "minute"), "condition", 0.65, "The minute you smell burning, kill the power."),
    Marker("by-the-time", ("by", "the", "time"), "condition", 0.65, "By the time the crust is brown, pull the tray."),
    Marker("if-clause", ("if",), "condition", 0.8, "If the humidity is above 80 percent, add more filler."),
    Marker("whenever-clause", ("whenever",), "condition", 0.75, "Whenever the flame turns white, stop blowing."),
    Marker("when-clause", ("when",), "condition", 0.7, "When it rains, we put up the screens."),
    Marker("once-clause", ("once",), "condition", 0.6, "Once the melt reaches 1,650 degrees, tap it."),
    Marker("after-clause", ("after",), "condition", 0.45, "After you strike the arc, wait two seconds."),
    Marker("before-clause", ("before",), "condition", 0.45, "Before you weld, grind off the primer."),
    Marker("while-clause", ("while",), "condition", 0.5, "Never dip the cloth while it is still green."),
    Marker("until-clause", ("until",), "condition", 0.5, "Do not open the kiln until it is below 150 degrees."),
    Marker("unless-exception", ("unless",), "exception", 0.5, "Never charge scrap unless it is dry."),
    Marker("because-rationale", ("because",), "rationale", 0.0, "Add filler because the weld gets porous."),
    Marker("cause-rationale", ("'cause",), "rationale", 0.0, "Add filler 'cause it gets porous."),
    Marker("otherwise-rationale", ("otherwise",), "rationale", 0.0, "Keep it turning, otherwise it droops."),
)

# "Don't open the door until/before it is below 100 degrees": with a negated action these markers
# give the condition under which the action is forbidden, which is the opposite of their clause.
NEGATED_UNTIL = {"until-clause", "before-clause"}

# Prepositional or adjectival context that works as a condition ("on rainy days", "in winter").
CONTEXT_PREPOSITIONS = {"on", "in", "during", "for", "with", "at"}
CONTEXT_NOUNS = {
    "day",
    "days",
    "weather",
    "winter",
    "monsoon",
    "typhoon",
    "heatwave",
    "frost",
    "summer",
    "spring",
    "autumn",
    "fall",
    "morning",
    "mornings",
    "night",
    "nights",
    "season",
    "rain",
    "snow",
    "fog",
    "wind",
    "heat",
    "cold",
    "condition",
    "conditions",
    "shift",
    "case",
    "cases",
}
PREPOSITIONAL_CONFIDENCE = 0.55

HEDGES = {
    "usually": "usually",
    "normally": "usually",
    "generally": "usually",
    "mostly": "usually",
    "typically": "usually",
    "often": "usually",
    "probably": "usually",
    "tend": "usually",
    "sometimes": "sometimes",
    "maybe": "sometimes",
    "perhaps": "sometimes",
    "might": "sometimes",
    "occasionally": "sometimes",
    "possibly": "sometimes",
    "could": "sometimes",
}

DIRECTIVE_MODALS = {"should", "must", "shall", "need", "have", "has", "got", "'ll", "will", "ought", "'d"}
FIRST_PERSON = {"i", "we", "you", "they"}
FILLERS = {
    "uh",
    "um",
    "er",
    "erm",
    "ah",
    "well",
    "so",
    "then",
    "and",
    "but",
    "like",
    "okay",
    "ok",
    "oh",
    "yeah",
    "now",
    "also",
}
COLOURS = {
    "white",
    "yellow",
    "orange",
    "red",
    "blue",
    "green",
    "black",
    "grey",
    "gray",
    "brown",
    "purple",
    "violet",
    "bright",
    "dark",
    "dull",
    "cherry",
}
WEATHER_VERBS = {"rain": "rain", "snow": "snow", "drizzle": "rain", "pour": "rain", "freeze": "frost"}
WEATHER_ADJECTIVES = {
    "rainy": "rain",
    "wet": "rain",
    "snowy": "snow",
    "foggy": "fog",
    "windy": "wind",
    "humid": "humid",
}
SOUND_VERBS = {
    "hiss",
    "squeal",
    "crackle",
    "hum",
    "rattle",
    "knock",
    "chatter",
    "whine",
    "pop",
    "sizzle",
    "buzz",
    "squeak",
    "screech",
    "roar",
    "sing",
    "click",
    "bang",
    "grind",
}

# Seasons a master's context names ("in winter", "in the monsoon"): the category `season`.
SEASONS = {
    "winter": "winter",
    "summer": "summer",
    "spring": "spring",
    "autumn": "autumn",
    "fall": "autumn",
    "monsoon": "monsoon",
}
# Verbs of perceiving: "you see sparks coming off it" observes the sparks, not the seeing.
PERCEIVING = {"see", "hear", "feel", "notice", "smell", "taste", "spot", "watch", "find", "sense"}
# Words that carry no meaning in the name of an observed cue.
OBSERVATION_FILLERS = {
    "be", "do", "have", "get", "start", "begin", "still", "already", "just", "really", "too", "very",
    "so", "then", "any", "some", "all", "also", "even", "ever", "more", "much", "bit", "little",
}  # fmt: skip
