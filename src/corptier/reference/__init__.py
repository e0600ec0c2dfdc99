"""Reference facts and checks: USCC (GB 32100), industry (GB/T 4754), enterprise size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corptier.lazy_exports import lazy_exports

# imported on first use (PEP 562): a standard's size categories (`size_standard`) must not pay for
# pandas, which classifying a frame of customers needs
_EXPORTS = {
    "SIZE_CATEGORIES": "size_standard",
    "UNCLASSIFIED": "size_standard",
    "SizeResult": "enterprise_size",
    "classify_enterprise_size": "enterprise_size",
    "classify_enterprise_size_frame": "enterprise_size",
    "ReferenceDataError": "errors",
    "IndustrySection": "industry",
    "SectionRange": "industry",
    "industry_section": "industry",
    "industry_sections": "industry",
    "is_valid_industry_code": "industry",
    "normalise_industry_code": "industry",
    "DEFAULT_STANDARD": "size_standard",
    "SIZES": "size_standard",
    "SizeBound": "size_standard",
    "SizeRow": "size_standard",
    "SizeStandard": "size_standard",
    "SizeTable": "size_standard",
    "size_standard_on": "size_standard",
    "size_standards": "size_standard",
    "size_table": "size_standard",
    "UsccResult": "uscc",
    "make_uscc": "uscc",
    "normalise_uscc": "uscc",
    "org_code_check_char": "uscc",
    "uscc_check_char": "uscc",
    "uscc_valid_mask": "uscc",
    "validate_uscc": "uscc",
}

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


__getattr__ = lazy_exports(__name__, _EXPORTS, globals())


if TYPE_CHECKING:
    from corptier.reference.enterprise_size import (
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
        SIZE_CATEGORIES,
        SIZES,
        UNCLASSIFIED,
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
