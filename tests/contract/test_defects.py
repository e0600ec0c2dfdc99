"""One test per kind of row defect: exact quarantined rows, columns, reasons and reconciliation."""

from __future__ import annotations

import pyarrow.parquet as pq

from sample_data import sample_rows

PERIOD = "2026-09"
CLEAN = {t: len(r) for t, r in sample_rows(PERIOD).items()}
DATE_HINT = "is not a valid date (YYYY-MM-DD, YYYYMMDD or YYYY/MM/DD)"


def counts(report, table):
    t = report.tables[table]
    return t.read, t.accepted, t.rejected


def test_malformed_numbers_and_decimals(rows, load, rejects):
    tx = rows["transactions"]
    tx[0]["amount"] = "12a"
    tx[1]["amount"] = "1.200,00"  # grouped the continental way: not read
    tx[2]["amount"] = "12.345"
    tx[3]["amount"] = "12.3400"  # trailing zeros are fine
    report = load(rows)
    assert counts(report, "transactions") == (10, 7, 3)
    assert rejects("transactions") == [
        (1, "amount", "'12a' is not a number (write digits with a decimal point, e.g. 1234.56)"),
        (2, "amount",
         "'1.200,00' is not a number (write digits with a decimal point, e.g. 1234.56)"),
        (3, "amount", "'12.345' has more than 2 decimal places"),
    ]
    assert report.tables["transactions"].problems == {"amount: type": 2, "amount: decimals": 1}


def test_rate_with_more_than_six_decimals(rows, load, rejects):
    rows["loans"][1]["client_rate"] = "0.0420001"
    report = load(rows)
    assert counts(report, "loans") == (3, 2, 1)
    assert rejects("loans") == [(2, "client_rate", "'0.0420001' has more than 6 decimal places")]


def test_whole_numbers(rows, load, rejects):
    rows["customers"][3]["employees"] = "8.5"
    rows["loans"][2]["days_overdue"] = "forty"
    report = load(rows)
    assert counts(report, "customers") == (5, 4, 1)
    assert rejects("customers") == [(4, "employees", "'8.5' is not a whole number")]
    # C004 rejected: its loan L003 is rejected twice over (bad days and rejected customer)
    assert rejects("loans") == [
        (3, "customer_id",
         "customer_id 'C004' refers to customers row 4, which was rejected "
         "(see quarantine/2026-09/customers.csv)"),
        (3, "days_overdue", "'forty' is not a whole number"),
    ]


def test_impossible_and_malformed_dates(rows, load, rejects):
    rows["accounts"][0]["opened_on"] = "2026-02-30"
    rows["accounts"][1]["opened_on"] = "15/01/2025"
    rows["accounts"][2]["closed_on"] = "2026-9-1"
    report = load(rows)
    assert counts(report, "accounts") == (8, 5, 3)
    assert rejects("accounts") == [
        (1, "opened_on", f"'2026-02-30' {DATE_HINT}"),
        (2, "opened_on", f"'15/01/2025' {DATE_HINT}"),
        (3, "closed_on", f"'2026-9-1' {DATE_HINT}"),
    ]


def test_missing_required_values(rows, load, rejects):
    rows["transactions"][4]["channel"] = None
    rows["transactions"][5]["counterparty"] = None  # optional: fine
    rows["customers"][2]["name"] = "   "  # blank counts as missing
    report = load(rows)
    assert rejects("transactions")[0] == (5, "channel", "value missing (the column is required)")
    assert rejects("customers") == [(3, "name", "value missing (the column is required)")]
    assert counts(report, "customers") == (5, 4, 1)


def test_allowed_values(rows, load, rejects):
    rows["transactions"][6]["direction"] = "sideways"
    rows["loans"][0]["classification"] = "normal"
    report = load(rows)
    assert rejects("transactions") == [(7, "direction", "'sideways' is not one of: in, out")]
    assert rejects("loans") == [
        (1, "classification", "'normal' is not one of: 正常, 关注, 次级, 可疑, 损失")
    ]
    assert counts(report, "loans") == (3, 2, 1)


def test_ranges(rows, load, rejects):
    rows["balances"][0]["avg_daily_balance"] = "-1.00"
    rows["balances"][1]["rate"] = "0.250000"
    rows["transactions"][0]["amount"] = "0.00"
    report = load(rows)
    assert rejects("balances") == [
        (1, "avg_daily_balance", "'-1.00' is below the minimum 0"),
        (2, "rate", "'0.250000' is above the maximum 0.2"),
    ]
    assert rejects("transactions") == [(1, "amount", "'0.00' is below the minimum 0.01")]
    assert counts(report, "balances") == (6, 4, 2)


def test_patterns(rows, load, rejects):
    rows["customers"][4]["region_code"] = "5101"
    rows["accounts"][6]["currency"] = "cny"
    rows["transactions"][9]["txn_id"] = "T 10"
    report = load(rows)
    assert rejects("customers") == [(5, "region_code", "'5101' is not a 6-digit region code")]
    assert rejects("accounts") == [
        (6, "customer_id",
         "customer_id 'C005' refers to customers row 5, which was rejected "
         "(see quarantine/2026-09/customers.csv)"),
        (7, "currency", "'cny' is not a 3-letter currency code in capitals (e.g. CNY)"),
    ]
    assert rejects("transactions") == [
        (10, "txn_id", "'T 10' is not an id of 1-40 letters, digits, '_', '.' or '-'")
    ]
    # C005 is rejected, so its account A006 is too
    assert counts(report, "accounts") == (8, 6, 2)


def test_duplicate_keys_keep_the_first(rows, load, rejects, workspace):
    dup = dict(rows["transactions"][1], amount="999.00")
    rows["transactions"].append(dup)
    rows["balances"].append(dict(rows["balances"][0]))
    report = load(rows)
    assert rejects("transactions") == [
        (11, "txn_id", "duplicate key (txn_id T0002): the same key is on row 2, which is kept")
    ]
    assert rejects("balances") == [
        (7, "account_id+month",
         "duplicate key (account_id A001, month 2026-09): the same key is on row 1, which is kept")
    ]
    assert counts(report, "transactions") == (11, 10, 1)
    kept = pq.read_table(workspace.partition_dir("transactions", PERIOD) / "part-0.parquet")
    amounts = {r["txn_id"]: r["amount"] for r in kept.to_pylist()}
    assert str(amounts["T0002"]) == "180000.00"


def test_period_columns(rows, load, rejects):
    rows["balances"][2]["month"] = "2026-08"
    rows["transactions"][3]["txn_date"] = "2026-10-01"
    rows["ftp_rates"][0]["month"] = "2026-9"
    report = load(rows)
    assert rejects("balances") == [(3, "month", "'2026-08' is not in the loaded period 2026-09")]
    assert rejects("transactions") == [
        (4, "txn_date", "'2026-10-01' is not in the loaded period 2026-09")
    ]
    assert rejects("ftp_rates") == [
        (1, "month", "'2026-9' is not a month (YYYY-MM, YYYYMM or YYYY/MM)")]
    assert counts(report, "ftp_rates") == (4, 3, 1)


def test_dangling_references(rows, load, rejects):
    rows["transactions"][0]["account_id"] = "A999"
    rows["accounts"][0]["product_code"] = "NOPE"
    rows["customers"][1]["rm_id"] = "RM09"
    report = load(rows)
    assert rejects("customers") == [(2, "rm_id", "rm_id 'RM09' not found in relationship_managers")]
    assert rejects("accounts") == [
        (1, "product_code", "product_code 'NOPE' not found in products"),
        (3, "customer_id",
         "customer_id 'C002' refers to customers row 2, which was rejected "
         "(see quarantine/2026-09/customers.csv)"),
    ]
    tx = rejects("transactions")
    # T0001 (bad account) and every transaction on A001 (rejected account) or of C002
    assert tx[0] == (1, "account_id", "account_id 'A999' not found in accounts")
    assert (
        2, "account_id",
        "account_id 'A001' refers to accounts row 1, which was rejected "
        "(see quarantine/2026-09/accounts.csv)",
    ) in tx
    assert {r for r, _, _ in tx} == {1, 2, 3, 4, 5, 9}
    assert counts(report, "transactions") == (10, 4, 6)


def test_reference_to_rejected_customer_cascades(rows, load, rejects):
    rows["customers"][2]["uscc"] = "91510100MA6CW3K09X"  # wrong check character
    report = load(rows)
    (row, column, reason), = rejects("customers")
    assert (row, column) == (3, "uscc")
    assert reason.startswith("USCC '91510100MA6CW3K09X' is invalid: position 18")
    why = ("customer_id 'C003' refers to customers row 3, which was rejected "
           "(see quarantine/2026-09/customers.csv)")
    assert rejects("accounts") == [(4, "customer_id", why)]
    assert rejects("loans") == [(2, "customer_id", why)]
    assert rejects("fee_income") == [(5, "customer_id", why)]
    assert rejects("facilities") == [(2, "customer_id", why)]
    assert rejects("guarantees") == [(2, "borrower_id", why.replace("customer_id", "borrower_id"))]
    # the transactions of C003 fail on the customer and on the (rejected) account
    assert {r for r, _, _ in rejects("transactions")} == {6, 7, 10}
    assert {t: report.tables[t].rejected for t in report.tables} == {
        "rating_scale": 0, "relationship_managers": 0, "rm_certifications": 0,
        "training_records": 0, "products": 0, "ftp_rates": 0, "fx_rates": 0, "customers": 1,
        "accounts": 1, "balances": 1, "transactions": 3, "loans": 1, "facilities": 1,
        "fee_income": 1, "guarantees": 1,
    }


def test_parent_must_be_an_accepted_customer(rows, load, rejects):
    rows["customers"][0]["employees"] = "many"  # C001, parent of C002, is rejected
    rows["customers"][3]["parent_id"] = "C404"
    rows["customers"][4]["parent_id"] = "C005"
    report = load(rows)
    assert rejects("customers") == [
        (1, "employees", "'many' is not a whole number"),
        (2, "parent_id",
         "parent_id 'C001' refers to customers row 1, which was rejected "
         "(see quarantine/2026-09/customers.csv)"),
        (4, "parent_id", "parent_id 'C404' not found in customers"),
        (5, "parent_id", "parent_id 'C005' is the row's own customer_id"),
    ]
    assert counts(report, "customers") == (5, 1, 4)


def test_parent_cycles_of_any_length_are_named(rows, load, rejects):
    rows["customers"][0]["parent_id"] = "C003"  # C001 -> C003 -> C002 -> C001
    rows["customers"][2]["parent_id"] = "C002"
    rows["customers"][3]["parent_id"] = "C001"  # C004 hangs below the cycle
    report = load(rows)
    why = "parent_id '{}' closes a cycle of parents: {}"
    assert rejects("customers") == [
        (1, "parent_id", why.format("C003", "C001 -> C003 -> C002 -> C001")),
        (2, "parent_id", why.format("C001", "C002 -> C001 -> C003 -> C002")),
        (3, "parent_id", why.format("C002", "C003 -> C002 -> C001 -> C003")),
        (4, "parent_id",
         "parent_id 'C001' refers to customers row 1, which was rejected "
         "(see quarantine/2026-09/customers.csv)"),
    ]
    assert counts(report, "customers") == (5, 1, 4)


def test_two_customers_parent_of_each_other(rows, load, rejects):
    rows["customers"][0]["parent_id"] = "C002"  # C002's parent is already C001
    load(rows)
    why = "parent_id '{}' closes a cycle of parents: {}"
    assert rejects("customers") == [
        (1, "parent_id", why.format("C002", "C001 -> C002 -> C001")),
        (2, "parent_id", why.format("C001", "C002 -> C001 -> C002")),
    ]

def test_transaction_account_must_belong_to_the_customer(rows, load, rejects):
    rows["transactions"][3]["customer_id"] = "C003"  # A003 belongs to C002
    load(rows)
    assert rejects("transactions") == [
        (4, "customer_id", "account 'A003' belongs to customer 'C002', not 'C003'")
    ]


def test_uscc_invalid_and_warnings(rows, load, rejects, workspace):
    rows["customers"][0]["uscc"] = "91510100MA6CU1A0"  # too short
    rows["customers"][2]["uscc"] = " 91510100ma6cw3k09u "  # lower case: normalised, warned
    rows["customers"][3]["uscc"] = "91510100MA6D8E2C3C"  # org code check fails, USCC is valid
    report = load(rows)
    lines = rejects("customers")
    assert [(r, c) for r, c, _ in lines[:1]] == [(1, "uscc")]
    assert lines[0][2].startswith("USCC '91510100MA6CU1A0' is invalid: ")
    warnings = {w.message: w.count for w in report.tables["customers"].warnings}
    assert warnings == {
        "USCC written with spaces, lower case or full-width characters; stored normalised": 1,
        "embedded organisation code fails its GB 11714 check (accepted)": 1,
    }
    stored = pq.read_table(workspace.partition_dir("customers", PERIOD) / "part-0.parquet")
    assert "91510100MA6CW3K09U" in stored.column("uscc").to_pylist()


def test_industry_code_must_exist(rows, load, rejects):
    rows["customers"][2]["industry_code"] = "9999"  # division 99 does not exist
    rows["customers"][3]["industry_code"] = "C4710"  # E47 is not in section C
    load(rows)
    lines = rejects("customers")
    assert [(r, c) for r, c, _ in lines] == [(3, "industry_code"), (4, "industry_code")]
    assert "division 99" in lines[0][2]
    assert "not C" in lines[1][2]


def test_several_problems_in_one_row_count_once(rows, load, rejects):
    tx = rows["transactions"][7]
    tx.update(amount="-5", direction="up", channel="fax", txn_date="2026-09-31")
    report = load(rows)
    assert rejects("transactions") == [
        (8, "txn_date", f"'2026-09-31' {DATE_HINT}"),
        (8, "amount", "'-5' is below the minimum 0.01"),
        (8, "direction", "'up' is not one of: in, out"),
        (8, "channel", "'fax' is not one of: counter, online, mobile, host_to_host, atm"),
    ]
    assert counts(report, "transactions") == (10, 9, 1)


def test_extra_and_missing_optional_columns_are_warnings(rows, load):
    for r in rows["transactions"]:
        r["Memo"] = "x"
        del r["counterparty_bank"]
    report = load(rows)
    t = report.tables["transactions"]
    assert (t.read, t.accepted, t.rejected) == (10, 10, 0)
    assert [str(w) for w in t.warnings] == [
        "counterparty_bank: optional column missing from the file; loaded as empty",
        "Memo: column is not in the contract; ignored",
    ]


def test_quarantine_keeps_the_original_values(rows, load, quarantine):
    rows["transactions"][0]["amount"] = " 12a "
    load(rows)
    (line,) = quarantine("transactions")
    assert list(line)[:4] == ["row", "column", "reason", "txn_id"]
    assert line["amount"] == " 12a "
    assert line["txn_id"] == "T0001"
    assert line["customer_id"] == "C001"


def test_reasons_are_written_in_the_workspace_language(rows, tmp_path):
    """A zh-CN workspace's quarantine speaks Chinese, the value quoted where Chinese puts it."""
    import csv

    from corptier.services import load_period
    from corptier.workspace import Workspace
    from sample_data import write_tables

    rows["transactions"][0]["amount"] = "12a"
    rows["transactions"][3]["customer_id"] = "C003"  # A003 belongs to C002
    rows["transactions"].append(dict(rows["transactions"][1], amount="999.00"))
    rows["transactions"][5]["account_id"] = "A999"
    write_tables(tmp_path / "in", rows)
    ws = Workspace.init(tmp_path / "ws", language="zh-CN")
    load_period(ws, PERIOD, tmp_path / "in", accept_partial=True)

    def reasons(table: str) -> list[str]:
        with (ws.quarantine_dir / PERIOD / f"{table}.csv").open(encoding="utf-8-sig") as f:
            return [r["reason"] for r in csv.DictReader(f)]

    assert reasons("transactions") == [
        "'12a' 不是数字（请用阿拉伯数字和小数点，如 1234.56）",
        "账户 'A003' 属于客户 'C002'，而非 'C003'",
        "account_id 'A999' 在 accounts 中不存在",
        "主键重复（txn_id T0002）：第 2 行已有相同主键，保留该行",
    ]
