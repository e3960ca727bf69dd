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


@dataclass(slots=True, init=False)  # __init__ written out: see extract.model
class Placed:
    """A value on a slot, with the printed text it came from."""

    value: Value
    raw: str
    unit: str | None = None
    note: str | None = None
    placed: str = "printed"  # | "aligned" (its column fixed by the arithmetic) | "arithmetic" (derived)

    def __init__(
        self,
        value: Value,
        raw: str,
        unit: str | None = None,
        note: str | None = None,
        placed: str = "printed",
    ) -> None:
        self.value = value
        self.raw = raw
        self.unit = unit
        self.note = note
        self.placed = placed


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


_Terms = tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class _Prepared:
    """An equation set ready for propagation: each equation as (slot, sign) terms, left
    +1 and right -1, and for each slot the equations it appears in."""

    terms: tuple[_Terms, ...]
    by_slot: dict[str, tuple[int, ...]]


_PREPARED: dict[int, tuple[Sequence[Equation], _Prepared]] = {}


def _prepare(equations: Sequence[Equation]) -> _Prepared:
    """Prepared once per equation set (the sets are built once, by `extract.checks`),
    since `propagate` runs for every option of every row placed by the arithmetic."""
    entry = _PREPARED.get(id(equations))
    if entry is not None and entry[0] is equations:
        return entry[1]
    terms = tuple(tuple([(k, 1) for k in eq.left] + [(k, -1) for k in eq.right]) for eq in equations)
    by_slot: dict[str, list[int]] = {}
    for i, eq_terms in enumerate(terms):
        for k, _sign in eq_terms:
            by_slot.setdefault(k, []).append(i)
    prepared = _Prepared(terms, {k: tuple(v) for k, v in by_slot.items()})
    if not isinstance(equations, tuple):
        return prepared  # a list may change; only the (immutable) sets are kept
    if len(_PREPARED) > 64:
        _PREPARED.clear()
    _PREPARED[id(equations)] = (equations, prepared)
    return prepared


_UNKNOWN = object()


def propagate(known: dict[str, Value], equations: Sequence[Equation]) -> dict[str, Value] | None:
    """Fill every unknown an equation fixes; None when an equation fails.

    An equation with a blank term is not evaluated (a blank is not a zero). A value
    fixed by an equation must be a non-negative whole number (all slots with
    equations are counts): so unknowns on one side of an equation whose other terms
    already balance are all zero.

    The result does not depend on the order the equations are looked at: every value
    an equation fixes follows from the known ones, and an equation that fails keeps
    failing as more values become known. So `extend` may start from a result.
    """
    prepared = _prepare(equations)
    return _run(dict(known), prepared, list(range(len(prepared.terms) - 1, -1, -1)))


def extend(
    solved: dict[str, Value], new: dict[str, Value], equations: Sequence[Equation]
) -> dict[str, Value] | None:
    """`propagate(known | new)`, given `solved = propagate(known)`: only the equations
    the new values touch (and what follows from them) are looked at again.

    A slot of `new` that `solved` already has must hold the same number there: a
    clash or a blank would go unnoticed (`_with_option` sees to that).
    """
    prepared = _prepare(equations)
    values = dict(solved)
    values.update(new)
    touched: set[int] = set()
    for k in new:
        touched.update(prepared.by_slot.get(k, ()))
    return _run(values, prepared, sorted(touched, reverse=True))


def _run(values: dict[str, Value], prepared: _Prepared, queue: list[int]) -> dict[str, Value] | None:
    """Evaluate the equations of `queue` (a stack) until none fixes anything new."""
    compiled = prepared.terms
    by_slot = prepared.by_slot
    queued = set(queue)
    while queue:
        i = queue.pop()
        queued.discard(i)
        terms = compiled[i]
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
        fixed: list[str]
        if n_unknown > 1:
            if both_sides:
                continue
            # unknown counts all on one side: they add up to what is left over,
            # which cannot be negative, and when it is zero they are all zero
            rest = -total * unknown_sign
            if rest < -1e-9:
                return None
            if abs(rest) >= 1e-9:
                continue
            fixed = [k for k, _sign in terms if k not in values]
            for k in fixed:
                values[k] = 0
        elif n_unknown == 0:
            if abs(total) > 1e-6:
                return None
            continue
        else:
            derived = -total * unknown_sign
            if derived < -1e-9 or abs(derived - round(derived)) > 1e-9:
                return None
            values[unknown] = round(derived)  # type: ignore[index]
            fixed = [unknown]  # type: ignore[list-item]
        for k in fixed:
            for j in by_slot[k]:
                if j not in queued:
                    queued.add(j)
                    queue.append(j)
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
    pending: list[RowOptions] = []
    for row in rows:
        if len(row.options) == 1:
            res.cells.update(row.options[0])
        else:
            pending.append(row)
    # what the rows taken as printed fix, for deciding the others (most tables have none)
    known: dict[str, Value] = {slot: cell.value for slot, cell in res.cells.items()} if pending else {}

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
    base = propagate(known, equations)
    for combo in product(*(kept[row.name] for row in pending)):
        new = {slot: cell.value for option, _ in combo for slot, cell in option.items()}
        solved = _with_option(base, known, new, equations)
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
    the direct reading was taken (a `prefer_first` row whose direct reading fits).

    What `known` alone fixes is worked out once, then extended by each option.
    """
    consistent: list[tuple[Option, dict[str, Value]]] = []
    base = propagate(known, equations)
    for i, option in enumerate(row.options):
        new = {slot: cell.value for slot, cell in option.items()}
        solved = _with_option(base, known, new, equations)
        if solved is not None:
            consistent.append((option, solved))
            if i == 0 and row.prefer_first:
                return consistent, True
    return consistent, False


def _with_option(
    base: dict[str, Value] | None,
    known: dict[str, Value],
    new: dict[str, Value],
    equations: Sequence[Equation],
) -> dict[str, Value] | None:
    """`propagate(known | new)`, from `base = propagate(known)` where that is exact.

    A number on a slot `base` already fixes either agrees with it (and everything
    `base` fixed still follows) or contradicts it (the equation that fixed it fails).
    A blank there switches equations off, so the table is evaluated from scratch.
    """
    if base is None:
        return propagate({**known, **new}, equations)
    differs = False
    for k, v in new.items():
        b = base.get(k, _UNKNOWN)
        if b is _UNKNOWN:
            continue
        if v is None or b is None:
            return propagate({**known, **new}, equations)
        if abs(v - b) > 1e-6:  # type: ignore[operator]
            differs = True
    return None if differs else extend(base, new, equations)


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
        if any(s is not None and s.placed != first.placed for s in seen):
            # printed in one option, inferred in another: same number, keep the printed text
            first = next(s for s in seen if s is not None and s.placed == "printed")
        certain[slot] = first
    return certain
