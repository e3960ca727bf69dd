"""Placing printed numbers on table slots by the table's arithmetic.

A publisher who drops the empty cells of a row leaves fewer numbers than columns;
a layout that runs cells together leaves one digit string. Each such row gives
several *options* (ways its numbers could sit on its slots). An option is kept when
the table's equations still hold with it (unknowns filled in where an equation fixes
them); a slot is placed only when every kept option gives it the same value. Anything
else is left out and said: the arithmetic decides, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations, product

Value = int | float | None  # None: a blank cell (printed empty, "-", "/", ...)


@dataclass(frozen=True, slots=True)
class Equation:
    """sum(left) == sum(right), over slot keys."""

    name: str
    left: tuple[str, ...]
    right: tuple[str, ...]


@dataclass(slots=True)
class Placed:
    """A value on a slot, with the printed text it came from."""

    value: Value
    raw: str
    unit: str | None = None
    note: str | None = None
    placed: str = "printed"  # | "aligned" (its column fixed by the arithmetic) | "arithmetic" (derived)


Option = dict[str, Placed]


@dataclass(slots=True)
class RowOptions:
    """The ways one printed row could sit on its slots; options[0] is the direct reading."""

    name: str
    slots: tuple[str, ...]
    options: list[Option]
    label: str = ""
    prefer_first: bool = False  # take options[0] whenever the arithmetic allows it
    reason: str = ""  # why there are several options


@dataclass(slots=True)
class Resolution:
    cells: dict[str, Placed] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


_TERMS: dict[int, tuple[Sequence[Equation], tuple[tuple[tuple[str, int], ...], ...]]] = {}


def _terms(equations: Sequence[Equation]) -> tuple[tuple[tuple[str, int], ...], ...]:
    """Each equation as one sequence of (slot, sign): left terms +1, then right terms -1.

    Kept per equation set (the sets are built once, by `extract.checks`), since
    `propagate` runs for every option of every row placed by the arithmetic.
    """
    entry = _TERMS.get(id(equations))
    if entry is not None and entry[0] is equations:
        return entry[1]
    compiled = tuple(tuple([(k, 1) for k in eq.left] + [(k, -1) for k in eq.right]) for eq in equations)
    if not isinstance(equations, tuple):
        return compiled  # a list may change; only the (immutable) sets are kept
    if len(_TERMS) > 64:
        _TERMS.clear()
    _TERMS[id(equations)] = (equations, compiled)
    return compiled


_UNKNOWN = object()


def propagate(known: dict[str, Value], equations: Sequence[Equation]) -> dict[str, Value] | None:
    """Fill every unknown an equation fixes; None when an equation fails.

    An equation with a blank term is not evaluated (a blank is not a zero). A value
    fixed by an equation must be a non-negative whole number (all slots with
    equations are counts): so unknowns on one side of an equation whose other terms
    already balance are all zero.
    """
    values = dict(known)
    compiled = _terms(equations)
    changed = True
    while changed:
        changed = False
        for terms in compiled:
            unknown: str | None = None
            unknown_sign = 0
            n_unknown = 0
            blank = False
            total = 0.0
            both_sides = False
            for k, sign in terms:
                v = values.get(k, _UNKNOWN)
                if v is _UNKNOWN:
                    if n_unknown and sign != unknown_sign:
                        both_sides = True
                    n_unknown += 1
                    unknown = k
                    unknown_sign = sign
                elif v is None:
                    blank = True
                    break
                else:
                    total += sign * v  # type: ignore[operator]
            if blank:
                continue
            if n_unknown > 1:
                if not both_sides:
                    # unknown counts all on one side: they add up to what is left over,
                    # which cannot be negative, and when it is zero they are all zero
                    rest = -total * unknown_sign
                    if rest < -1e-9:
                        return None
                    if abs(rest) < 1e-9:
                        for k, _sign in terms:
                            if k not in values:
                                values[k] = 0
                        changed = True
                continue
            if n_unknown == 0:
                if abs(total) > 1e-6:
                    return None
                continue
            derived = -total * unknown_sign
            if derived < -1e-9 or abs(derived - round(derived)) > 1e-9:
                return None
            values[unknown] = round(derived)  # type: ignore[index]
            changed = True
    return values


def placements(cells: list[Placed], slots: tuple[str, ...]) -> Iterator[Option]:
    """Every way to put `cells`, in order, on `slots` (fewer cells than slots)."""
    for chosen in combinations(range(len(slots)), len(cells)):
        yield {slots[i]: cell for i, cell in zip(chosen, cells, strict=True)}


def digit_splits(digits: str, parts: int, limit: int = 20000) -> list[list[str]] | None:
    """Every split of a digit string into `parts` numbers (no leading zeros).

    None when there are more than `limit`: an incomplete list could not prove anything.
    """
    out: list[list[str]] = []

    def rec(start: int, left: int, acc: list[str]) -> None:
        if len(out) >= limit:
            return
        if left == 1:
            piece = digits[start:]
            if piece and (piece == "0" or not piece.startswith("0")):
                out.append([*acc, piece])
            return
        for end in range(start + 1, len(digits) - left + 2):
            piece = digits[start:end]
            if piece != "0" and piece.startswith("0"):
                break
            rec(end, left - 1, [*acc, piece])

    rec(0, parts, [])
    return None if len(out) >= limit else out


MAX_JOINT = 20000  # combinations of rows' placements tried together


def resolve(rows: list[RowOptions], equations: Sequence[Equation]) -> Resolution:
    """Place every row's numbers; rows with one option are taken as printed.

    Rows with several options are decided one at a time against what is known, until
    nothing changes; rows still undecided are then tried together (two rows with
    dropped cells can fix each other through the column sums).
    """
    res = Resolution()
    known: dict[str, Value] = {}
    pending: list[RowOptions] = []
    for row in rows:
        if len(row.options) == 1:
            for slot, cell in row.options[0].items():
                res.cells[slot] = cell
                known[slot] = cell.value
        else:
            pending.append(row)

    kept: dict[str, list[tuple[Option, dict[str, Value]]]] = {}
    progress = True
    while pending and progress:
        progress = False
        still: list[RowOptions] = []
        for row in pending:
            consistent, direct = _consistent(row, known, equations)
            if not consistent:
                res.warnings.append(
                    f"{row.name}: {row.reason or 'the printed numbers'} fit no placement that satisfies "
                    f"the table's arithmetic; row left out"
                )
                progress = True
                continue
            certain = _agreed(row.slots, consistent)
            if len(certain) == len(row.slots):
                _accept(res, known, row, certain, direct)
                progress = True
            else:
                kept[row.name] = consistent
                still.append(row)
        pending = still

    if len(pending) > 1:
        pending = _resolve_jointly(pending, kept, known, equations, res)
    for row in pending:
        certain = _agreed(row.slots, kept[row.name])
        for slot, cell in certain.items():
            res.cells[slot] = replace(cell, placed="aligned") if cell.placed == "printed" else cell
        left_out = [s.rsplit(".", 1)[-1] for s in row.slots if s not in certain]
        res.warnings.append(
            f"{row.name}: {row.reason or 'the printed numbers'} can be placed in more than one way "
            f"that satisfies the arithmetic; left out: {', '.join(left_out)}"
        )
    return res


def _accept(
    res: Resolution, known: dict[str, Value], row: RowOptions, certain: dict[str, Placed], direct: bool
) -> None:
    for slot, cell in certain.items():
        if cell.placed == "printed" and not direct:
            cell = replace(cell, placed="aligned")
        res.cells[slot] = cell
        known[slot] = cell.value
    if not direct:
        res.warnings.append(f"{row.name}: {row.reason}; placed by the table's arithmetic")


def _resolve_jointly(
    pending: list[RowOptions],
    kept: dict[str, list[tuple[Option, dict[str, Value]]]],
    known: dict[str, Value],
    equations: Sequence[Equation],
    res: Resolution,
) -> list[RowOptions]:
    """Try the undecided rows' surviving options in combination; return rows still undecided."""
    size = 1
    for row in pending:
        size *= len(kept[row.name])
    if size > MAX_JOINT:
        return pending
    survivors: list[tuple[tuple[Option, ...], dict[str, Value]]] = []
    for combo in product(*(kept[row.name] for row in pending)):
        trial = dict(known)
        for option, _ in combo:
            for slot, cell in option.items():
                trial[slot] = cell.value
        solved = propagate(trial, equations)
        if solved is not None:
            survivors.append((tuple(option for option, _ in combo), solved))
    if not survivors:
        return pending
    still: list[RowOptions] = []
    for i, row in enumerate(pending):
        per_row = [(options[i], solved) for options, solved in survivors]
        kept[row.name] = per_row
        certain = _agreed(row.slots, per_row)
        if len(certain) == len(row.slots):
            _accept(res, known, row, certain, direct=False)
        else:
            still.append(row)
    return still


def _consistent(
    row: RowOptions, known: dict[str, Value], equations: Sequence[Equation]
) -> tuple[list[tuple[Option, dict[str, Value]]], bool]:
    """The options of `row` the equations allow (with what they then fix); and whether
    the direct reading was taken (a `prefer_first` row whose direct reading fits)."""
    consistent: list[tuple[Option, dict[str, Value]]] = []
    for i, option in enumerate(row.options):
        trial = dict(known)
        for slot, cell in option.items():
            trial[slot] = cell.value
        solved = propagate(trial, equations)
        if solved is not None:
            consistent.append((option, solved))
            if i == 0 and row.prefer_first:
                return consistent, True
    return consistent, False


def _agreed(slots: tuple[str, ...], consistent: list[tuple[Option, dict[str, Value]]]) -> dict[str, Placed]:
    """The slots on which every consistent option gives the same value."""
    certain: dict[str, Placed] = {}
    for slot in slots:
        seen: list[Placed | None] = []
        for option, solved in consistent:
            if slot in option:
                seen.append(option[slot])
            elif slot in solved:
                seen.append(Placed(solved[slot], "", placed="arithmetic"))
            else:
                seen.append(None)
        first = seen[0]
        if first is None or any(s is None or s.value != first.value for s in seen):
            continue
        if any(s.placed != first.placed for s in seen):
            # printed in one option, inferred in another: same number, keep the printed text
            first = next(s for s in seen if s is not None and s.placed == "printed")
        certain[slot] = first
    return certain
