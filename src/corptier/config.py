"""The workspace configuration (`corptier.toml`): typed, validated, every assumption as data."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from corptier.database_url import PASSWORD_ENV, mask_url, url_password
from corptier.errors import ConfigError, Joined, Text, pydantic_text

CONFIG_FILE = "corptier.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkspaceSection(_Section):
    name: str = "corptier workspace"
    language: Literal["zh-CN", "en"] = "zh-CN"
    lock_timeout: float = Field(600.0, ge=0)
    """Seconds a load, close, report or adoption waits for another one to finish."""


class EngineSection(_Section):
    name: Literal["duckdb", "spark"] = "duckdb"
    memory_limit: str = "4GB"
    threads: int = Field(2, ge=1)
    temp_directory: str = "tmp"


class SparkSection(_Section):
    master: str = "local[2]"
    driver_memory: str = "4g"
    shuffle_partitions: int = Field(8, ge=1)


class DatabaseSection(_Section):
    url: str = "sqlite:///db.sqlite"


class BankSection(_Section):
    own_bank_code: str = "XB"
    currency: str = "CNY"


class CostDrivers(_Section):
    """Monthly operating cost allocated to a customer, in yuan per driver unit."""

    per_customer: float = Field(300.0, ge=0)
    per_account: float = Field(40.0, ge=0)
    per_transaction: float = Field(1.5, ge=0)
    per_loan: float = Field(500.0, ge=0)


DayBasis = Literal[360, 365]
EnterpriseSize = Literal["large", "medium", "small", "micro"]
FacilityKind = Literal["bank_acceptance", "letter_of_credit", "letter_of_guarantee",
                       "undrawn_commitment"]
# credit conversion factors of the standardised approach (2023 Chinese capital rules 商业银行资本
# 管理办法 annex on off-balance items, Basel III CRE20.94–101): acceptances are credit
# substitutes (100 %), trade letters of credit 20 %, non-financing guarantees 50 %, other
# commitments 40 %
DEFAULT_CCF: dict[FacilityKind, float] = {
    "bank_acceptance": 1.0, "letter_of_credit": 0.2, "letter_of_guarantee": 0.5,
    "undrawn_commitment": 0.4,
}
INCLUSIVE_SIZES: tuple[EnterpriseSize, ...] = ("small", "micro")
CNY_BASIS: DayBasis = 360


class Assumptions(_Section):
    """Financial assumptions behind contribution, EL, EC, RAROC and EVA."""

    tax_rate: float = Field(0.25, ge=0, lt=1)
    vat_rate: float = Field(0.06, ge=0, lt=1)
    hurdle_rate: float = Field(0.12, ge=0, lt=1)
    lgd_default: float = Field(0.45, gt=0, le=1)
    maturity_years: float = Field(2.5, ge=1, le=5)
    # effective maturity M of the IRB formula: the balance-weighted remaining term of the
    # customer's loans, clamped to 1–5 years; `maturity_years` without loan balance or when off
    maturity_from_loans: bool = True
    # firm-size adjustment of the IRB correlation from customers.annual_revenue: S = revenue /
    # sme_revenue_unit, R −= reduction × (1 − (max(S, floor) − floor) / (cap − floor)) for
    # S < cap, S taken to the nearest sme_revenue_step. Default: the 2023 Chinese capital
    # rules (S in 千万元, 3–30, 0.04); Basel: unit = yuan per EUR million, floor 5, cap 50
    sme_revenue_unit: float = Field(10_000_000.0, gt=0)
    sme_revenue_floor: float = Field(3.0, ge=0)
    sme_revenue_cap: float = Field(30.0, gt=0)
    sme_correlation_reduction: float = Field(0.04, ge=0, lt=0.12)
    sme_revenue_step: float = Field(0.01, gt=0)
    pd_floor: float = Field(0.0005, gt=0, lt=1)
    # indicator engine: PD for customers without an internal rating, and a tax on loan
    # interest income as a share of the interest (0 = contribution before such a tax; the
    # domain's worked example uses the pre-2016 business tax of 5.5 %)
    pd_unrated: float = Field(0.02, gt=0, lt=1)
    loan_interest_tax_rate: float = Field(0.0, ge=0, lt=1)
    # defaulted borrowers: a customer with a loan classified `default_class` or worse, or more
    # than `default_days_overdue` days past due, has PD 1 and K = max(0, LGD − defaulted_elbe)
    # (the best estimate of loss; default: the 25 % specific provision of 次级); interest on
    # such a loan is not accrued into NII unless `accrue_npl_interest`
    default_class: Literal["关注", "次级", "可疑", "损失"] = "次级"
    default_days_overdue: int = Field(90, ge=0)
    defaulted_elbe: float = Field(0.25, ge=0, le=1)
    accrue_npl_interest: bool = False
    # interest day count (NII only; EL and the capital charge stay on actual/365): actual/360
    # for CNY (the PBoC convention), per currency, `interest_day_basis_other` for the rest;
    # loans are in the bank's currency ([bank] currency)
    interest_day_basis: dict[str, DayBasis] = Field(default_factory=lambda: {"CNY": CNY_BASIS})
    interest_day_basis_other: DayBasis = 365
    # VAT on loan interest: client rates include `vat_rate` VAT (net = gross / (1 + vat_rate))
    # except for the loan products listed (e.g. 普惠小微 loans, exempt)
    loan_interest_vat_inclusive: bool = True
    vat_exempt_loan_products: list[str] = Field(default_factory=list)
    # off-balance exposure: EAD = average drawn loans + Σ CCF(kind) × facility amount at month
    # end, the amount net of its margin deposit (保证金) when `ccf_net_of_margin`
    ccf: dict[FacilityKind, float] = Field(default_factory=lambda: dict(DEFAULT_CCF))
    ccf_net_of_margin: bool = True
    # inclusive finance (普惠小微): an enterprise of these sizes with total credit (loans and
    # off-balance facilities at period end) at most the limit, in yuan
    inclusive_sizes: list[EnterpriseSize] = Field(default_factory=lambda: list(INCLUSIVE_SIZES))
    inclusive_credit_limit: float = Field(10_000_000.0, ge=0)
    cost_drivers: CostDrivers = CostDrivers()

    def day_basis(self, currency: str) -> int:
        """Days of the interest year for `currency`."""
        return self.interest_day_basis.get(currency, self.interest_day_basis_other)

    @model_validator(mode="after")
    def _ccf_range(self) -> Assumptions:
        """Each CCF is a share (0–1); a kind left out keeps its default."""
        for kind, value in self.ccf.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"ccf.{kind} must be between 0 and 1; got {value}")
        self.ccf = DEFAULT_CCF | self.ccf
        return self

    @model_validator(mode="after")
    def _sme_steps(self) -> Assumptions:
        """The revenue range must be a whole number of steps above 0 (the capital lookup has
        one row per step)."""
        for name in ("sme_revenue_floor", "sme_revenue_cap"):
            steps = getattr(self, name) / self.sme_revenue_step
            if abs(steps - round(steps)) > 1e-9:
                raise ValueError(f"{name} must be a multiple of sme_revenue_step")
        if self.sme_revenue_cap <= self.sme_revenue_floor:
            raise ValueError("sme_revenue_cap must be above sme_revenue_floor")
        if self.sme_revenue_cap / self.sme_revenue_step > 100_000:
            raise ValueError("sme_revenue_step is too small: at most 100,000 steps up to the cap")
        return self


class TieringSection(_Section):
    """Which standard the period close applies, and where named lists (名单) live."""

    standard: str = "default.yaml"
    named_lists: str = "standards/lists"


class LoadSection(_Section):
    """When a load is refused as a whole: a table whose accepted share of rows is below
    `min_accepted_share` (0 = never) keeps the period's previous data."""

    min_accepted_share: float = Field(0.5, ge=0, le=1)


MoneyUnit = Literal["yuan", "wan", "yi"]
"""元, 万元 (10⁴ yuan) or 亿元 (10⁸ yuan)."""


class ReportThresholds(_Section):
    """Where the report's findings draw the line between "within" and "look at this"."""

    max_psi: float = Field(0.10, ge=0)
    """PSI of the score against last period at most (< 0.10 stable)."""
    min_unchanged_share: float = Field(0.80, ge=0, le=1)
    """Customers present in both periods that kept their tier, at least."""
    max_flapping_rate: float = Field(0.05, ge=0, le=1)
    """Customers whose tier change was reversed within the window, at most."""
    max_rejected_share: float = Field(0.02, ge=0, le=1)
    """Rejected input rows over rows read in the period's loads, at most."""
    max_destroying_share: float = Field(0.30, ge=0, le=1)
    """Customers with negative contribution, at most."""
    pyramid_tolerance: float = Field(0.05, ge=0, le=1)
    """A tier's share of customers may differ from the standard's target by this much."""


class ReportSection(_Section):
    """How the effect report shows money and where its findings draw their lines (the hurdle
    rate is `[assumptions] hurdle_rate`)."""

    unit: MoneyUnit = "wan"
    top_n: int = Field(10, ge=1, le=1000)
    """Rows of each breakdown in the report before "others" (the workbook lists them all)."""
    thresholds: ReportThresholds = ReportThresholds()


class WorkspaceConfig(_Section):
    workspace: WorkspaceSection = WorkspaceSection()
    engine: EngineSection = EngineSection()
    spark: SparkSection = SparkSection()
    database: DatabaseSection = DatabaseSection()
    bank: BankSection = BankSection()
    assumptions: Assumptions = Assumptions()
    tiering: TieringSection = TieringSection()
    load: LoadSection = LoadSection()
    report: ReportSection = ReportSection()


def load_config(path: Path) -> WorkspaceConfig:
    """Read and validate `corptier.toml`; errors name the file and the field. An empty file
    is refused (it would silently mean every default), and so is a database password in a
    file others can read."""
    raw = _read_toml(path)
    if not raw:
        raise ConfigError("{path}: the configuration is empty; restore it from a backup "
                          "or write its [workspace] and [database] sections again", path=path)
    try:
        config = WorkspaceConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError("{path}: {problems}", path=path,
                          problems=format_validation_error(exc)) from exc
    _refuse_exposed_password(path, config.database.url)
    return config


def _read_toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError("{path}: not UTF-8 text (byte {byte}); save it as UTF-8", path=path,
                          byte=exc.start) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("{path}: not valid TOML: {problem}", path=path, problem=exc) from exc
    except OSError as exc:
        raise ConfigError("{path}: cannot be read: {reason}", path=path,
                          reason=exc.strerror or exc) from exc


def _refuse_exposed_password(path: Path, url: str) -> None:
    """A password in the database URL is allowed only when the file is private (0600)."""
    if url_password(url) is None:
        return
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigError(
            "{path}: the database URL {url} holds a password but the file is "
            "readable by others (mode {mode:o}); remove the password and set "
            "{variable} (or use ~/.pgpass), or make the file private (mode 600)",
            path=path, url=mask_url(url), mode=mode, variable=PASSWORD_ENV)


def format_validation_error(exc: ValidationError) -> str:
    """One line per problem: `field.path: message`, said in the user's language."""
    parts: list[str] = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or Text("(top level)")
        message = pydantic_text(err, str(err["msg"]))
        if err["type"] == "value_error":
            message = Text.as_written(message, message.removeprefix("Value error, "), {})
        parts.append(Text("{where}: {message}", where=where, message=message))
    return Joined.of("; ", parts)


def render_config(config: WorkspaceConfig) -> str:
    """Write a config back as TOML (flat sections, one level of nesting)."""
    lines: list[str] = []
    data = config.model_dump()
    for section, values in data.items():
        nested = {k: v for k, v in values.items() if isinstance(v, dict)}
        lines.append(f"[{section}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in values.items() if k not in nested]
        lines.append("")
        for sub, subvalues in nested.items():
            lines.append(f"[{section}.{sub}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in subvalues.items()]
            lines.append("")
    return "\n".join(lines)


def _toml_value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
