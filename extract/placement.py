"""Placing printed numbers on table slots by the table's arithmetic.

A publisher who drops the empty cells of a row leaves fewer numbers than columns;
a layout that runs cells together leaves one digit string. Each such row gives
several *options* (ways its numbers could sit on its slots). An option is kept when
the table's equations still hold with it (unknowns filled in where an equation fixes
them); a slot is placed only when every kept option gives it the same value. Anything
else is left out and said: the arithmetic decides, never a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import cast

from extract.model import OcrBox

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
    box: OcrBox | None = None  # where an OCR'd cell was read


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
    # OCR'd cells read as unreadable: their slots are missing from every option, for the
    # arithmetic to fix (placed "arithmetic") or to be left out
    unreadable: dict[str, Placed] = field(default_factory=dict)
    # its numbers stood on lines of their own, not in its label's grid row
    streamed: bool = False


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
                total += sign * cast(float, v)  # an int too: see _holds
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


@dataclass(slots=True)
class Piece:
    """A printed value of a row for `readings`: one cell, or a string of digits that
    may be several cells run together (`digits` set: it may take one slot or more)."""

    cell: Placed
    digits: str | None = None


@dataclass(slots=True)
class Readings:
    """The readings of one printed row; `complete` is False when the search bound was hit
    (the list is then unfinished and proves nothing)."""

    options: list[Option]
    complete: bool
    steps: int


MAX_READING_STEPS = 10_000  # search steps spent on one printed row
DOCUMENT_READING_STEPS = 30_000  # and on all the rows of one document (see extract.tables)


def readings(
    pieces: Sequence[Piece],
    slots: tuple[str, ...],
    equations: Sequence[Equation],
    *,
    gaps: bool,
    limit: int = MAX_READING_STEPS,
) -> Readings:
    """Every way the printed `pieces`, in order, can sit on `slots` that the row's own
    equations allow: one search for rows printed short (`gaps`: a slot may have been
    left out, its value then unknown) and for digits run together (a piece with
    `digits` is cut into one or more numbers, none with a leading zero).

    The equations are those whose slots all lie in this row (a row's total, a section
    四 group's total); each is tested as soon as its last slot is decided, so a wrong
    cut is dropped before the rest of the row is tried. Where no equation spans a slot
    boundary (between section 四's groups), what can follow does not depend on what
    came before, so it is worked out once. `limit` bounds the steps and the readings.
    """
    n = len(slots)
    index = {s: i for i, s in enumerate(slots)}
    local = [eq for eq in equations if all(k in index for k in (*eq.left, *eq.right))]
    # the equations to test once slot i is decided: those whose last slot is i
    closing: list[list[_Terms]] = [[] for _ in range(n)]
    boundary = [True] * (n + 1)  # no equation has slots on both sides of boundary i
    for eq in local:
        terms = tuple([(k, 1) for k in eq.left] + [(k, -1) for k in eq.right])
        where = [index[k] for k, _ in terms]
        closing[max(where)].append(terms)
        for b in range(min(where) + 1, max(where) + 1):
            boundary[b] = False
    min_slots = [0] * (len(pieces) + 1)  # slots the pieces from p on need at least
    max_slots = [0] * (len(pieces) + 1)  # and at most
    for p in range(len(pieces) - 1, -1, -1):
        d = pieces[p].digits
        min_slots[p] = min_slots[p + 1] + 1
        max_slots[p] = max_slots[p + 1] + (len(d) if d else 1)
    # a row total printed last, after the parts it sums (section 三's 总计): while the
    # last piece's digits are cut, the total is a suffix of what is left
    first_part = -1
    for eq in local:
        if eq.right == (slots[-1],) and eq.left == slots[n - 1 - len(eq.left) : n - 1]:
            first_part = n - 1 - len(eq.left)
    last_digits = pieces[-1].digits if pieces and first_part >= 0 else None
    # the numbers the total can be: the last l digits, for each l (None: a leading zero)
    tails: list[int | None] = [None]
    if last_digits is not None:
        tails += [
            None if length > 1 and last_digits[-length] == "0" else int(last_digits[-length:])
            for length in range(1, len(last_digits) + 1)
        ]
    # a total printed after its parts (section 三's row totals, section 四's group totals):
    # no part is longer than it, and once the parts are cut, its value is forced
    total_of = [-1] * n  # slot -> the total slot after it that it is a part of
    parts_of: list[tuple[int, ...] | None] = [None] * n  # total slot -> its parts
    for eq in local:
        if len(eq.right) == 1 and all(index[k] < index[eq.right[0]] for k in eq.left):
            t = index[eq.right[0]]
            parts_of[t] = tuple(index[k] for k in eq.left)
            for k in eq.left:
                if total_of[index[k]] < 0 or t < total_of[index[k]]:
                    total_of[index[k]] = t
    values: dict[str, Value] = {}
    memo: dict[tuple[int, int, str | None], list[Option]] = {}

    def forced(i: int) -> str | None:
        """The digits slot i must print when it is a total whose parts are all known."""
        parts = parts_of[i]
        if parts is None:
            return None
        total = 0
        for j in parts:
            v = values.get(slots[j], _UNKNOWN)
            if v is _UNKNOWN or v is None or not isinstance(v, int):
                return None
            total += v
        return str(total)

    def total_can_follow(done: int | float, rest: int, parts: int) -> bool:
        """Whether the last `rest` digits can still be cut into `parts` more counts and
        then a total equal to `done` plus those counts: for some length of the total,
        the counts must make up the difference, and k counts cut from m digits add up
        to less than 10^(m-k+1) + 9k (so the total is hardly longer than they are)."""
        shortest = max(1, len(str(int(done))))
        longest = min(rest - parts, (rest - parts) // 2 + 2)
        for length in range(shortest, longest + 1):
            tail = tails[length]
            if tail is None or tail < done:
                continue
            m = rest - length
            if parts == 0:
                if m == 0 and tail == done:
                    return True
            elif m >= parts and tail - done < 10 ** (m - parts + 1) + 9 * parts:
                return True
        return False

    steps = 0
    bounded = False

    def closes_ok(i: int) -> bool:
        return all(_holds(terms, values) for terms in closing[i])

    def placed(i: int, cell: Placed, p: int, rest: str | None, out: list[Option]) -> bool:
        """Slot i holds `cell`; the pieces go on from piece p (`rest` of its digits)."""
        slot = slots[i]
        values[slot] = cell.value
        ok = True
        if closes_ok(i):
            sub = rec(i + 1, p, rest)
            if sub is None:
                ok = False
            else:
                for tail in sub:
                    option = {slot: cell}
                    option.update(tail)
                    out.append(option)
        del values[slot]
        return ok

    def rec(i: int, p: int, rest: str | None) -> list[Option] | None:
        """The readings of slots i.. from piece p on (`rest`: digits of piece p still to
        cut); None once the bound is hit."""
        nonlocal steps, bounded
        steps += 1
        if steps > limit or bounded:
            bounded = True
            return None
        key = (i, p, rest)
        if boundary[i] and key in memo:
            return memo[key]
        out: list[Option] = []
        left = n - i
        if rest is None and p == len(pieces):
            if i == n or (gaps and all(closes_ok(j) for j in range(i, n))):
                out.append({})  # the remaining slots were left out: unknown
        elif left >= (min_slots[p + 1] + 1 if rest is not None else min_slots[p]) and (
            gaps or left <= ((len(rest) + max_slots[p + 1]) if rest is not None else max_slots[p])
        ):
            if rest is not None:
                # cut the next number off the digits of piece p
                last_piece = not gaps and p == len(pieces) - 1
                last_run = last_piece and 0 <= first_part <= i < n - 1
                before = sum(values[slots[j]] or 0 for j in range(first_part, i)) if last_run else 0
                must = forced(i)
                t = total_of[i]
                # the longest count: the parts still to cut, the total (at least as long)
                # and the slots after it all take digits from what is left
                longest = (len(rest) - (t - i - 1) - (n - 1 - t)) // 2 if last_piece and t > i else len(rest)
                if must is not None:
                    cuts: Sequence[int] = [len(must)] if rest.startswith(must) else []
                elif rest[0] == "0":
                    cuts = [1]
                else:
                    cuts = range(1, max(0, min(len(rest), longest)) + 1)
                for k in cuts:
                    text, more = rest[:k], rest[k:] or None
                    if last_run and more is not None:
                        steps += 1
                        if not total_can_follow(before + int(text), len(more), n - 2 - i):
                            continue
                    if not placed(i, Placed(int(text), text), p + (more is None), more, out):
                        return None
            else:
                piece = pieces[p]
                if piece.digits is not None and len(piece.digits) > 1:
                    sub = rec(i, p, piece.digits)
                    if sub is None:
                        return None
                    out.extend(sub)
                elif not placed(i, piece.cell, p + 1, None, out):
                    return None
                if gaps and closes_ok(i):  # slot i left out, its value unknown
                    sub = rec(i + 1, p, None)
                    if sub is None:
                        return None
                    out.extend(sub)
        if len(out) > limit:
            bounded = True
            return None
        if boundary[i]:
            memo[key] = out
        return out

    found = rec(0, 0, None)
    return Readings(found or [], found is not None, steps)


def _holds(terms: _Terms, values: dict[str, Value]) -> bool:
    """Whether one equation can still hold: exactly, when all its terms are known; else
    the unknown counts, when all on one side, must not need to be negative."""
    # `cast(float, v)`, not `sign * v` with its type error ignored: mypyc then takes the
    # product for an int (int * object) and raises on a float value (an amount, or a
    # count printed `1.0`) in the compiled wheel only
    total = 0.0
    unknown_sign = 0
    for k, sign in terms:
        v = values.get(k, _UNKNOWN)
        if v is _UNKNOWN:
            if unknown_sign and unknown_sign != sign:
                return True  # unknowns on both sides: anything goes
            unknown_sign = sign
        elif v is None:
            return True  # a blank: not evaluated
        else:
            total += sign * cast(float, v)  # an int too: see _holds
    if not unknown_sign:
        return abs(total) < 1e-6
    return -total * unknown_sign >= -1e-9


MAX_JOINT = 1_000  # steps of the search over rows' readings tried together


# how many times a table is placed again without rows whose total nothing confirmed; the
# last time, only with the rows read as printed (each placing is bounded by MAX_JOINT)
MAX_REPLACE = 3


def resolve(rows: list[RowOptions], equations: Sequence[Equation]) -> Resolution:
    """Place every row's numbers (`_resolve_once`), leaving out the rows whose total only
    their own equation fixed.

    A row printed short whose reading leaves its total unprinted satisfies its own
    equation whatever its numbers are: they may not even be this row's (a converter
    reading a table column by column hands a row the next rows' values). Such a row is
    kept only when a column equation on printed numbers confirms that total; otherwise
    it is left out and the table placed again without it (its numbers may have decided
    other rows), at most `MAX_REPLACE` times: the last time only the rows read as
    printed are placed.
    """
    rows = list(rows)
    dropped: list[str] = []
    for attempt in range(MAX_REPLACE + 1):
        res = _resolve_once(rows, equations)
        unconfirmed = [r.name for r in rows if _total_unconfirmed(r, res.cells, equations)]
        if not unconfirmed:
            break
        if attempt == MAX_REPLACE - 1:
            # bounded: the last placing keeps only the rows read as printed
            unconfirmed += [r.name for r in rows if len(r.options) > 1 and r.name not in unconfirmed]
        dropped += unconfirmed
        rows = [r for r in rows if r.name not in unconfirmed]
    res.warnings += [
        f"{name}: the reading found leaves the row's total to its own sum, which no column "
        "sum confirms; row left out"
        for name in dropped
    ]
    return res


def _total_unconfirmed(row: RowOptions, cells: dict[str, Placed], equations: Sequence[Equation]) -> bool:
    """Whether a row printed short got its total from its own sum (no reading prints
    it), and no column equation confirms it. Only for a row whose numbers stood on lines
    of their own (numbers in a label's grid row are that row's), in a table with column
    equations (section 四 has none: its group totals are only ever their rows' sums). A
    row whose OCR'd total is in doubt is exempt: its other cells stand where the grid
    printed them."""
    if row.unreadable or not row.streamed:
        return False
    slots = set(row.slots)
    for eq in equations:
        terms = set(eq.left + eq.right)
        if not terms <= slots or len(eq.right) != 1:
            continue
        total = eq.right[0]
        cell = cells.get(total)
        if cell is None or cell.placed != "arithmetic":
            continue
        columns = [
            col
            for col in equations
            if total in col.left + col.right and not set(col.left + col.right) <= slots
        ]
        if columns and not any(_confirms(col, total, cells) for col in columns):
            return True
    return False


def _confirms(eq: Equation, total: str, cells: dict[str, Placed]) -> bool:
    """A column equation through `total` whose other terms are all placed, not all by
    the arithmetic, and that holds."""
    others = [k for k in eq.left + eq.right if k != total]
    if not others or {k.rsplit(".", 1)[0] for k in others} == {total.rsplit(".", 1)[0]}:
        return False
    got = [cells.get(k) for k in eq.left + eq.right]
    if any(c is None or c.value is None for c in got):
        return False
    if all(cells[k].placed == "arithmetic" for k in others):
        return False
    left = sum(cast(float, cells[k].value) for k in eq.left)
    right = sum(cast(float, cells[k].value) for k in eq.right)
    return abs(left - right) < 1e-6


def _resolve_once(rows: list[RowOptions], equations: Sequence[Equation]) -> Resolution:
    """Place every row's numbers; rows with one option are taken as printed.

    Rows with several options are decided one at a time against what is known, until
    nothing changes; rows still undecided are then searched together (two rows with
    dropped cells, or a whole table of digits run together, fix each other through the
    column sums): a cell is placed only where every combination that satisfies all the
    equations gives it the same value. The joint search is bounded (`MAX_JOINT` steps);
    when the bound is hit, only what each row fixes on its own is kept, and that is said.
    """
    res = Resolution()
    pending: list[RowOptions] = []
    for row in rows:
        if len(row.options) == 1 and len(row.options[0]) == len(row.slots):
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
        still = []
        for group in _linked(pending, equations):
            still += _resolve_jointly(group, kept, known, equations, res) if len(group) > 1 else group
        pending = still
    for row in pending:
        certain = _agreed(row.slots, kept[row.name])
        left_out = [s.rsplit(".", 1)[-1] for s in row.slots if s not in certain]
        if len(row.options) == 1:  # printed where it stands, some cells unknown (unreadable)
            res.cells.update(certain)
            res.warnings.append(
                f"{row.name}: {row.reason}; the table's arithmetic does not fix them; left out: "
                f"{', '.join(left_out)}"
            )
            continue
        for slot, cell in certain.items():
            res.cells[slot] = replace(cell, placed="aligned") if cell.placed == "printed" else cell
        res.warnings.append(
            f"{row.name}: {row.reason or 'the printed numbers'} can be placed in more than one way "
            f"that satisfies the arithmetic; left out as ambiguous: {', '.join(left_out)}"
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


def _linked(rows: list[RowOptions], equations: Sequence[Equation]) -> list[list[RowOptions]]:
    """The rows in groups that equations link (an equation with slots of two rows links
    them): only linked rows can decide each other, so each group is searched alone."""
    owner = {slot: i for i, row in enumerate(rows) for slot in row.slots}
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for eq in equations:
        touched = {owner[k] for k in (*eq.left, *eq.right) if k in owner}
        first = touched.pop() if touched else None
        for other in touched:
            parent[find(other)] = find(first)  # type: ignore[arg-type]
    groups: dict[int, list[RowOptions]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(find(i), []).append(row)
    return list(groups.values())


def _resolve_jointly(
    pending: list[RowOptions],
    kept: dict[str, list[tuple[Option, dict[str, Value]]]],
    known: dict[str, Value],
    equations: Sequence[Equation],
    res: Resolution,
) -> list[RowOptions]:
    """Search the undecided rows' surviving options together; return rows still undecided.

    A depth-first search over the rows (fewest options first) that carries what the
    equations fix so far, so a combination is dropped as soon as an equation fails
    (a column's results adding up past its （七）总计, say). For each slot it records
    the value every full combination gives (or that they differ). It stops early once
    every slot has two values (nothing more can be learnt), and at `MAX_JOINT` steps.
    """
    order = sorted(range(len(pending)), key=lambda i: len(kept[pending[i].name]))
    rows = [pending[i] for i in order]
    base = propagate(known, equations)
    seen: dict[str, Placed | None] = {}  # slot -> the value all combinations so far agree on
    conflict: set[str] = set()
    n_slots = sum(len(r.slots) for r in rows)
    chosen: list[tuple[Option, dict[str, Value]]] = []
    steps = 0
    found = 0
    stopped = False  # the bound was hit
    settled = False  # every slot already seen with two values

    def record(solved: dict[str, Value]) -> None:
        nonlocal found, settled
        found += 1
        for row, (option, _) in zip(rows, chosen, strict=True):
            for slot in row.slots:
                if slot in conflict:
                    continue
                cell: Placed | None
                if slot in option:
                    cell = option[slot]
                elif solved.get(slot, _UNKNOWN) is not _UNKNOWN:
                    cell = Placed(solved[slot], "", placed="arithmetic")
                else:
                    cell = None
                if found == 1:
                    seen[slot] = cell
                    continue
                old = seen.get(slot)
                if cell is None or old is None or cell.value != old.value:
                    conflict.add(slot)
                elif old.placed != "printed" and cell.placed == "printed":
                    seen[slot] = cell  # the same number printed here: keep the printed text
        settled = len(conflict) == n_slots

    def rec(depth: int, state: dict[str, Value] | None, given: dict[str, Value]) -> None:
        nonlocal steps, stopped
        if depth == len(rows):
            record(state if state is not None else {})
            return
        for option, _ in kept[rows[depth].name]:
            if stopped or settled:
                return
            steps += 1
            if steps > MAX_JOINT:
                stopped = True
                return
            new = {slot: cell.value for slot, cell in option.items()}
            solved = _with_option(state, given, new, equations)
            if solved is None:
                continue
            chosen.append((option, solved))
            rec(depth + 1, solved, {**given, **new})
            chosen.pop()

    rec(0, base, dict(known))
    if stopped:
        res.warnings.append(
            f"the joint search over {len(rows)} rows stopped at its bound of {MAX_JOINT} steps; "
            "only the cells each row fixes on its own are kept"
        )
        return pending
    if not found:
        return pending
    still: list[RowOptions] = []
    for row in rows:
        certain = {s: c for s in row.slots if s not in conflict and (c := seen.get(s)) is not None}
        if len(certain) == len(row.slots):
            _accept(res, known, row, certain, direct=False)
        else:
            # only the combinations' agreement is kept for the row's report
            kept[row.name] = [
                (
                    {s: c for s, c in certain.items() if c.placed != "arithmetic"},
                    {s: c.value for s, c in certain.items() if c.placed == "arithmetic"},
                )
            ]
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
        if abs(cast(float, v) - cast(float, b)) > 1e-6:
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
