"""Document references in a question ("Kế hoạch 200/KH-UBND", "chỉ thị 05", "NQ 21"): a question
naming a document the knowledge base does not know is about something else, however well its
other words match."""

from __future__ import annotations

# A reference to a document by type and number ("kế hoạch 200", "chỉ thị 05", "NQ 21").
_DOC_TYPES = {
    ("ke", "hoach"): "kh", ("chi", "thi"): "ct", ("nghi", "quyet"): "nq", ("quyet", "dinh"): "qd",
    ("nghi", "dinh"): "nd", ("thong", "tu"): "tt", ("cong", "van"): "cv", ("plan",): "kh",
    ("directive",): "ct", ("resolution",): "nq", ("decision",): "qd", ("decree",): "nd",
}
_DOC_SKIP = {"so", "no", "number", "hanh", "dong"}
_ISSUERS = [
    (("hoi", "dong", "nhan", "dan"), "hdnd"), (("uy", "ban", "nhan", "dan"), "ubnd"), (("tinh", "uy"), "tu"),
    (("chinh", "phu"), "cp"), (("trung", "uong"), "tw"), (("ban", "bi", "thu"), "tw"),
    (("bo", "chinh", "tri"), "tw"), (("thu", "tuong"), "ttg"),
]
# what may stand between a number and its issuer: the document type of its code, "của", "số"
_ISSUER_SKIP = {"ke", "hoach", "nghi", "quyet", "chi", "thi", "dinh", "cua", "so", "kh", "nq", "ct", "qd"}
_DURATIONS = {"nam", "thang", "ngay", "tuan", "year", "years", "month", "months"}

DOC_FIRST = {key[0] for key in _DOC_TYPES}
# first word -> the document types whose name starts with it, in _DOC_TYPES order
_DOC_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _key, _kind in _DOC_TYPES.items():
    _DOC_BY_FIRST.setdefault(_key[0], []).append((_key, _kind))


def doc_refs(folds: list[str]) -> set[tuple[str, str, str]]:
    """Document references in a token list, as (type, number, issuer) with leading zeros dropped;
    issuer is "" when the question does not say ("kế hoạch 128" but "128/KH-UBND")."""
    refs = set()
    for i in range(len(folds)):
        if folds[i] not in DOC_FIRST:
            continue
        for key, kind in _DOC_BY_FIRST[folds[i]]:
            if tuple(folds[i : i + len(key)]) != key:
                continue
            j = i + len(key)
            while j < len(folds) and folds[j] in _DOC_SKIP:
                j += 1
            # "kế hoạch 5 năm" is a five-year plan, not plan number 5.
            duration = j + 1 < len(folds) and folds[j + 1] in _DURATIONS
            if j < len(folds) and folds[j].isdigit() and not duration:
                refs.add((kind, folds[j].lstrip("0") or "0", _issuer(folds, j + 1)))
    return refs


def _issuer(folds: list[str], start: int) -> str:
    """Who issued a document, from its code or the words right after its number ("21/NQ-CP",
    "128-KH/TU", "21 của HĐND tỉnh"); "" when nothing says."""
    i = start
    while i < len(folds) and (folds[i] in _ISSUER_SKIP):
        i += 1
    for words, issuer in _ISSUERS:
        if tuple(folds[i : i + len(words)]) == words:
            return issuer
    return ""


def known_ref(ref: tuple[str, str, str], known: set[tuple[str, str, str]]) -> bool:
    """Known when the knowledge base names that document; an issuer the question gives must be
    one it names for it ("Nghị quyết 21 của HĐND tỉnh" is not Resolution 21/NQ-CP)."""
    kind, number, issuer = ref
    issuers = {i for k, n, i in known if k == kind and n == number}
    return bool(issuers) and (not issuer or issuer in issuers or issuers == {""})
