"""The tiering standard (分层标准) as pydantic models; `docs/standard.md` documents every field.

A standard is data: tiers (best first), overlay flags, scored dimensions, cut-offs on the total
score, gates, the group rule, needs segments and the hysteresis policy. Load one from YAML with
`corptier.tiering.load_standard`, which reports errors with file, line and field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from corptier.errors import Text
from corptier.provenance import hash_json
from corptier.tiering.behaviour_rules import BehaviourRules
from corptier.tiering.policy import HysteresisPolicy
from corptier.tiering.ranking import Ranking
from corptier.tiering.standard_cutoffs import (  # noqa: F401  (re-exported)
    CUTOFF_FIELD,
    LADDER_VALUES,
    OTHER_LADDER,
    AbsoluteCutoffs,
    Cutoffs,
    Ladder,
    PyramidCutoffs,
    QuantileCutoffs,
    check_cutoff_values,
    check_ladder_weights,
    cutoff_values,
    exact_fraction,
)
from corptier.tiering.standard_dimensions import (  # noqa: F401  (re-exported)
    WEIGHT_TOLERANCE,
    Band,
    BandsScoring,
    Code,
    Condition,
    Dimension,
    Direction,
    FieldIssue,
    Flag,
    IndicatorName,
    IndicatorScoring,
    LogScoring,
    MinMaxScoring,
    MissingPolicy,
    PercentileScoring,
    Points,
    StandardModel,
    Tier,
    Weight,
    check_weights,
    text_version,
)


# --- gates ---------------------------------------------------------------------------------------
class NamedList(StandardModel):
    """Customers named in a list (名单制): inline `ids`, a `file` read when the standard is
    loaded, or a `name` supplied at run time (`score_and_tier(..., named_lists={name: ids})`)."""

    name: str | None = None
    file: str | None = None
    ids: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return {"ids": [str(v) for v in value]}
        if isinstance(value, str):
            return {"name": value}
        return value

    @model_validator(mode="after")
    def _one_source(self) -> NamedList:
        if self.name is None and self.file is None and not self.ids:
            raise ValueError("a named list needs ids, a file or a name")
        return self


class Gate(StandardModel):
    """A floor (at least `tier`) or a cap (at most `tier`) that fires on a condition or a list."""

    id: Code
    description: str = ""
    when: Condition | None = None
    named_list: NamedList | None = None
    tier: str
    flags: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _immediate_on_caps_only(cls, value: Any) -> Any:
        if cls is Gate and isinstance(value, dict) and "immediate" in value:
            raise ValueError("'immediate' applies to caps only: floors keep the downgrade "
                             "buffer")
        return value

    @model_validator(mode="after")
    def _one_trigger(self) -> Gate:
        if (self.when is None) == (self.named_list is None):
            raise ValueError("a gate needs exactly one of 'when' or 'named_list'")
        return self


class Cap(Gate):
    """A cap (at most `tier`). With `immediate` (the default) a fired cap also bounds the
    applied tier of the same close: hysteresis never holds a customer above it (risk wins over
    the downgrade buffer). `immediate: false` lets the buffer delay it like a score drop."""

    immediate: bool = True


class Gates(StandardModel):
    """Floors raise a customer to at least their tier; caps, applied after floors, lower it."""

    floors: tuple[Gate, ...] = ()
    caps: tuple[Cap, ...] = ()

    def all(self) -> tuple[tuple[str, Gate], ...]:
        return tuple(("floor", g) for g in self.floors) + tuple(("cap", g) for g in self.caps)


class GroupRisk(StandardModel):
    """When a member of a group has a fired cap (one of `caps`, or any cap when empty) the group
    is flagged; with `cap_members_at` every member is also capped at that tier in the same close."""

    caps: tuple[Code, ...] = ()
    cap_members_at: Code | None = None


class GroupRule(StandardModel):
    """A member may be at most `max_below_group` tiers below its group's tier; `risk` flags (and
    optionally caps) a whole group when one member's risk cap fires."""

    max_below_group: int | None = Field(default=None, ge=0)
    basis: Literal["best_member"] = "best_member"
    risk: GroupRisk | None = None

    @model_validator(mode="after")
    def _something_to_do(self) -> GroupRule:
        if self.max_below_group is None and self.risk is None:
            raise ValueError("a group rule needs max_below_group, risk or both")
        return self

    @model_serializer(mode="wrap")
    def _without_absent(self, handler: SerializerFunctionWrapHandler,
                        info: SerializationInfo) -> dict[str, Any]:
        # absent parts are left out, so a standard written before `risk` keeps its content hash
        data: dict[str, Any] = handler(self)
        return {key: value for key, value in data.items()
                if not (key in ("max_below_group", "risk") and value is None)}


# --- needs segments ------------------------------------------------------------------------------
class Segment(StandardModel):
    code: Code
    name_zh: str
    name_en: str
    description: str = ""
    when: Condition | None = None


class KMeansSettings(StandardModel):
    """Data-driven segments: k-means on standardised features, fitted on a reference period."""

    k: int = Field(ge=2, le=20)
    features: tuple[IndicatorName, ...] = Field(min_length=2)
    log_scale: tuple[IndicatorName, ...] = ()
    seed: int = 0

    @field_validator("log_scale")
    @classmethod
    def _subset(cls, log_scale: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        features = info.data.get("features") or ()
        for i, name in enumerate(log_scale):
            if name not in features:
                raise FieldIssue(Text("'{name}' is not one of the k-means features", name=name), i)
        return log_scale


class NeedsSegments(StandardModel):
    """Rules in priority order (first match wins; the last has no rule and takes the rest)."""

    mode: Literal["rules", "kmeans"] = "rules"
    segments: tuple[Segment, ...] = Field(min_length=1)
    kmeans: KMeansSettings | None = None

    @field_validator("segments")
    @classmethod
    def _catch_all_last(cls, segments: tuple[Segment, ...]) -> tuple[Segment, ...]:
        _unique([s.code for s in segments], "segment code")
        for i, segment in enumerate(segments):
            last = i == len(segments) - 1
            if last and segment.when is not None:
                raise FieldIssue("the last segment takes everyone left: remove its 'when'", i,
                                 "when")
            if not last and segment.when is None:
                raise FieldIssue("only the last segment may have no 'when'", i)
        return segments

    @model_validator(mode="after")
    def _kmeans_settings(self) -> NeedsSegments:
        if self.mode == "kmeans" and self.kmeans is None:
            raise ValueError("mode 'kmeans' needs a 'kmeans' section (k, features)")
        return self


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            raise FieldIssue(Text("{what} '{value}' is used twice", what=Text(what),
                                  value=value), i)
        seen.add(value)


# --- the standard --------------------------------------------------------------------------------
class Standard(StandardModel):
    """A complete, versioned tiering standard."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")]
    version: Annotated[str, BeforeValidator(text_version), StringConstraints(min_length=1,
                                                                                max_length=40)]
    effective_from: date
    description: str = ""
    tiers: tuple[Tier, ...] = Field(min_length=2)
    flags: tuple[Flag, ...] = ()
    dimensions: dict[Code, Dimension] = Field(min_length=1)
    cutoffs: Cutoffs
    gates: Gates = Gates()
    group_rule: GroupRule | None = None
    needs_segments: NeedsSegments | None = None
    hysteresis: HysteresisPolicy = HysteresisPolicy()
    behaviour: BehaviourRules = BehaviourRules()
    ranking: Ranking = Ranking()

    # --- derived ----------------------------------------------------------------------------
    @property
    def tier_codes(self) -> list[str]:
        return [t.code for t in self.tiers]

    def tier_level(self, code: str) -> int:
        """0 for the best tier, len(tiers) - 1 for the last."""
        return self.tier_codes.index(code)

    def tier(self, code: str) -> Tier:
        return self.tiers[self.tier_level(code)]

    @property
    def content_hash(self) -> str:
        """sha256 of the canonical JSON of the standard: its identity in a run record."""
        return hash_json(self.model_dump(mode="json"))

    def summary(self) -> list[str]:
        """A few lines describing the standard (for `corptier standard validate`)."""
        dims = ", ".join(
            f"{code} {d.weight:g} ({len(d.indicators)})" for code, d in self.dimensions.items()
        )
        scored = sum(len(d.indicators) for d in self.dimensions.values())
        floors = ", ".join(f"{g.id}→{g.tier}" for g in self.gates.floors) or "none"
        caps = ", ".join(f"{g.id}→{g.tier}" for g in self.gates.caps) or "none"
        group = self._group_summary()
        segments = (f"{self.needs_segments.mode}: "
                    + ", ".join(s.code for s in self.needs_segments.segments)
                    if self.needs_segments else "none")
        return [
            f"standard: {self.id} version {self.version}, effective {self.effective_from}",
            f"content hash: {self.content_hash}",
            f"tiers ({len(self.tiers)}): "
            + ", ".join(f"{t.code} {t.name_zh}" for t in self.tiers),
            f"flags ({len(self.flags)}): " + (", ".join(f.code for f in self.flags) or "none"),
            f"dimensions ({len(self.dimensions)}): {dims}",
            f"indicators: {scored} scored; {len(self.indicators_used())} read in all",
            f"cut-offs: {self.cutoffs.method}{self._ladders_summary()}",
            f"gates: floors {floors}; caps {caps}",
            f"group rule: {group}",
            f"needs segments: {segments}",
        ]

    def _ladders_summary(self) -> str:
        by = self.cutoffs.by
        if by is None:
            return ""
        return f" by {by}" if isinstance(by, str) else f" by {', '.join([*by, OTHER_LADDER])}"
    def _group_summary(self) -> str:
        rule = self.group_rule
        if rule is None:
            return "none"
        parts = []
        if rule.max_below_group is not None:
            parts.append(f"at most {rule.max_below_group} tier(s) below the group")
        if rule.risk is not None:
            caps = ", ".join(rule.risk.caps) or "any cap"
            cap = (f", every member at most {rule.risk.cap_members_at}"
                   if rule.risk.cap_members_at else "")
            parts.append(f"risk: {caps} flags the group{cap}")
        return "; ".join(parts)

    def indicators_used(self) -> list[str]:
        """Every indicator column the standard reads, sorted."""
        from corptier.tiering.conditions import condition_names

        names: set[str] = set()
        for dim in self.dimensions.values():
            names.update(dim.indicators)
        conditions = [f.when for f in self.flags] + [g.when for _, g in self.gates.all()]
        if self.needs_segments is not None:
            conditions += [s.when for s in self.needs_segments.segments]
            if self.needs_segments.kmeans is not None:
                names.update(self.needs_segments.kmeans.features)
        by = self.cutoffs.by
        if isinstance(by, str):
            names.add(by)
        elif by is not None:
            conditions += list(by.values())
        for text in conditions:
            if text:
                names.update(condition_names(text))
        return sorted(names)

    def dimension_weights(self, ladder: str | None = None) -> dict[str, float]:
        """The dimension weights, of one ladder if given (its own where it sets them)."""
        own = self.cutoffs.ladder(ladder).weights or {} if ladder is not None else {}
        return {code: own.get(code, dim.weight) for code, dim in self.dimensions.items()}

    # --- cross-field checks -----------------------------------------------------------------
    @field_validator("tiers")
    @classmethod
    def _tier_codes_unique(cls, tiers: tuple[Tier, ...]) -> tuple[Tier, ...]:
        _unique([t.code for t in tiers], "tier code")
        return tiers

    @field_validator("flags")
    @classmethod
    def _flags_known(cls, flags: tuple[Flag, ...], info: ValidationInfo) -> tuple[Flag, ...]:
        _unique([f.code for f in flags], "flag code")
        codes = _codes(info)
        for i, flag in enumerate(flags):
            for j, tier in enumerate(flag.tiers or ()):
                _known_tier(tier, codes, i, "tiers", j)
        return flags

    @field_validator("dimensions")
    @classmethod
    def _dimension_weights(cls, dims: dict[str, Dimension]) -> dict[str, Dimension]:
        check_weights(dims, "dimension")
        return dims

    @field_validator("cutoffs")
    @classmethod
    def _cutoffs_fit_tiers(cls, cutoffs: Any, info: ValidationInfo) -> Any:
        codes = _codes(info)
        if codes is None:
            return cutoffs
        field = CUTOFF_FIELD[cutoffs.method]
        check_cutoff_values(cutoffs.method, getattr(cutoffs, field), codes, field)
        known = cutoffs.ladder_codes()
        dims = info.data.get("dimensions")
        for name, ladder in (cutoffs.ladders or {}).items():
            if known is not None and name not in known:
                raise FieldIssue(Text("unknown ladder '{name}'; the ladders are {known}",
                                      name=name, known=", ".join(known)),
                                 "ladders", name)
            for other in CUTOFF_FIELD.values():
                if other != field and getattr(ladder, other) is not None:
                    raise FieldIssue(Text("the {method} method takes '{field}', not '{other}'",
                                          method=cutoffs.method, field=field, other=other),
                                     "ladders", name, other)
            values = getattr(ladder, field)
            if values is not None:
                check_cutoff_values(cutoffs.method, values, codes, "ladders", name, field)
            if ladder.weights is not None and dims is not None:
                check_ladder_weights(ladder.weights, dims, name)
        return cutoffs
    @field_validator("gates")
    @classmethod
    def _gates_known(cls, gates: Gates, info: ValidationInfo) -> Gates:
        codes = _codes(info)
        flags = [f.code for f in info.data.get("flags", ())]
        ids: set[str] = set()
        for kind, group in (("floors", gates.floors), ("caps", gates.caps)):
            for i, gate in enumerate(group):
                if gate.id in ids:
                    raise FieldIssue(Text("gate id '{id}' is used twice", id=gate.id),
                                     kind, i, "id")
                ids.add(gate.id)
                _known_tier(gate.tier, codes, kind, i, "tier")
                for j, flag in enumerate(gate.flags):
                    if "flags" in info.data and flag not in flags:
                        raise FieldIssue(Text("unknown flag '{flag}'; the standard's flags "
                                              "are {flags}",
                                              flag=flag, flags=", ".join(flags) or "-"),
                                         kind, i, "flags", j)
        return gates

    @field_validator("group_rule")
    @classmethod
    def _group_rule_fits(cls, rule: GroupRule | None, info: ValidationInfo) -> GroupRule | None:
        codes = _codes(info)
        if rule is None:
            return rule
        below = rule.max_below_group
        if below is not None and codes is not None and below >= len(codes) - 1:
            raise FieldIssue(
                Text("max_below_group {below} never restricts anyone with {count} tiers; use "
                     "at most {most}", below=below, count=len(codes), most=len(codes) - 2),
                "max_below_group",
            )
        if rule.risk is not None:
            _group_risk_fits(rule.risk, codes, info.data.get("gates"))
        return rule

    @field_validator("hysteresis")
    @classmethod
    def _hysteresis_tiers(cls, policy: HysteresisPolicy, info: ValidationInfo) -> Any:
        for code in policy.downgrade_after_periods:
            _known_tier(code, _codes(info), "downgrade_after_periods", code)
        return policy


def _group_risk_fits(risk: GroupRisk, codes: list[str] | None, gates: Gates | None) -> None:
    if risk.cap_members_at is not None:
        _known_tier(risk.cap_members_at, codes, "risk", "cap_members_at")
    if gates is None:
        return
    caps = [g.id for g in gates.caps]
    if not caps:
        raise FieldIssue("a group risk rule needs caps: the standard has none", "risk")
    for i, cap in enumerate(risk.caps):
        if cap not in caps:
            raise FieldIssue(Text("'{cap}' is not a cap of this standard; its caps are {caps}",
                                  cap=cap, caps=", ".join(caps)), "risk", "caps", i)


def _codes(info: ValidationInfo) -> list[str] | None:
    tiers = info.data.get("tiers")
    return None if tiers is None else [t.code for t in tiers]


def _known_tier(code: str, codes: list[str] | None, *loc: str | int) -> None:
    if codes is not None and code not in codes:
        raise FieldIssue(Text("unknown tier '{code}'; the tiers are {tiers}", code=code,
                              tiers=", ".join(codes)), *loc)
