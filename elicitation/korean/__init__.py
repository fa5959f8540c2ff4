"""The Korean reader: rules in Korean speech, read from Kiwi's morphemes as a registered spaCy component.

`nlp.add_pipe("myeongjang_rules_ko")` on the Korean pipeline (`load_korean_pipeline`) sets
`doc._.rules`, with character offsets into `doc.text`, as the English component does.

Korean puts the condition first and marks it with a connective ending or a noun after an
adnominal ending: -(으)면, -거든, -(으)ㄹ 때, -는 경우, -(으)니까, -(으)려면, -기 전에, -고 나서,
-ㄹ 때까지, ... Each sentence is cut at those markers into clauses (`MARKERS`, data in one place,
each with a sentence it covers); what follows the last one is the main clause, and its ending says
what kind of statement the rule is: an instruction (-세요, -아야 한다, -(으)면 된다), a prohibition
(-지 마세요, -(으)면 안 된다), a habit (-ㄴ다, -아요), a consequence ("금이 가요") or a diagnosis
("...인 거예요"). Questions and stories told in the past are no rules; a sentence ending in
-거든요 or "...서 그래요" gives the reason for the rule before it.
"""

from elicitation.korean.component import KoreanRuleReader, build_korean_pipeline, load_korean_pipeline
from elicitation.korean.interview import read_korean_interview
from elicitation.korean.markers import MARKERS, Marker, split_clauses
from elicitation.korean.sentences import SentenceReading, read_sentence
from elicitation.korean.tokens import blank_korean, morphs

__all__ = [
    "MARKERS",
    "KoreanRuleReader",
    "Marker",
    "SentenceReading",
    "blank_korean",
    "build_korean_pipeline",
    "load_korean_pipeline",
    "morphs",
    "read_korean_interview",
    "read_sentence",
    "split_clauses",
]
