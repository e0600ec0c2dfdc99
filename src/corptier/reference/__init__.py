"""Reference facts and checks: USCC (GB 32100), industry (GB/T 4754), enterprise size."""

from corptier.reference.enterprise_size import (
    SIZE_CATEGORIES,
    UNCLASSIFIED,
    SizeResult,
    classify_enterprise_size,
    classify_enterprise_size_frame,
)
from corptier.reference.errors import ReferenceDataError
from corptier.reference.industry import (
    IndustrySection,
    SectionRange,
    industry_section,
    industry_sections,
    is_valid_industry_code,
    normalise_industry_code,
)
from corptier.reference.size_standard import (
    DEFAULT_STANDARD,
    SIZES,
    SizeBound,
    SizeRow,
    SizeStandard,
    SizeTable,
    size_standard_on,
    size_standards,
    size_table,
)
from corptier.reference.uscc import (
    UsccResult,
    make_uscc,
    normalise_uscc,
    org_code_check_char,
    uscc_check_char,
    uscc_valid_mask,
    validate_uscc,
)

__all__ = [
    "DEFAULT_STANDARD",
    "SIZES",
    "SIZE_CATEGORIES",
    "UNCLASSIFIED",
    "IndustrySection",
    "ReferenceDataError",
    "SectionRange",
    "SizeBound",
    "SizeResult",
    "SizeRow",
    "SizeStandard",
    "SizeTable",
    "UsccResult",
    "classify_enterprise_size",
    "classify_enterprise_size_frame",
    "industry_section",
    "industry_sections",
    "is_valid_industry_code",
    "make_uscc",
    "normalise_industry_code",
    "normalise_uscc",
    "org_code_check_char",
    "size_standard_on",
    "size_standards",
    "size_table",
    "uscc_check_char",
    "uscc_valid_mask",
    "validate_uscc",
]
