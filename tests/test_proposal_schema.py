"""Tests for schemas/proposal.schema.json against the proposal format's fixed names: every
name and enum value below must be accepted with exactly this spelling; the schema may add
optional fields and values, never rename these."""

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "proposal.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)

# The format's full example proposal (Northtown, deliberately not clean), dates as strings
# (as the loader gives them).
SPEC_EXAMPLE = {
    "govcheck": 1,
    "id": "northtown-community-cic",
    "title": "Northtown community services become a staff-led CIC",
    "as_at": "2009-10-01",
    "summary": "free text",
    "commissioners": [
        {
            "id": "northtown-pct",
            "name": "Northtown PCT",
            "type": "primary_care_trust",
            "also_provides": False,
        }
    ],
    "bodies": [
        {
            "id": "northtown-council",
            "name": "Northtown Borough Council",
            "type": "local_authority",
            "roles": ["partner"],
        }
    ],
    "provider": {
        "name": "Northtown Community Health CIC",
        "model": "social_enterprise",
        "legal_form": "community_interest_company",
        "profit_distribution": "none",
        "asset_lock": "statutory",
        "charitable_status": "none",
        "registered_with": ["companies_house", "cic_regulator"],
        "membership": {
            "open": True,
            "voting": "one_member_one_vote",
            "classes": ["staff", "patients", "public"],
        },
        "board": {
            "executive_directors": 4,
            "non_executive_directors": 3,
            "commissioner_members": 1,
        },
        "leadership_links_to_commissioner": True,
        "claims_independence": True,
    },
    "staff_transfer": {
        "nhs_staff": 240,
        "local_authority_staff": 0,
        "mechanism": "tupe_transfer",
        "terms_comparable_with_nhs": True,
        "pension": {
            "nhs_pension_access": "direction_status",
            "direction_status": "applied",
            "alternative": "none",
        },
    },
    "services": [
        {
            "name": "District nursing",
            "kind": "community_health",
            "statutory_function": False,
        }
    ],
    "contract": {
        "route": "competitive_tender",
        "type": "nhs_standard_contract",
        "advertised": True,
        "counterparty": "northtown-pct",
        "value_gbp": 18000000,
        "years": 3,
    },
    "assets": [
        {
            "description": "Health centre freehold",
            "value_gbp": 2400000,
            "from": "northtown-pct",
            "transfer": "freehold",
        }
    ],
    "conflicts_of_interest": [
        {
            "person": "Dr A. Patel",
            "commissioner_role": "PBC lead and PCT board member",
            "commissioner": "northtown-pct",
            "interest": "director",
            "declared": True,
            "declared_on": "2009-06-01",
            "recused": False,
        }
    ],
    "waivers": [
        {
            "rule": "COI-002",
            "reason": "Ministerial exemption letter of 2009-08-14",
            "approved_by": "PCT board, minute 2009/117",
            "expires": "2010-03-31",
        }
    ],
}

# The optional fields this schema adds beyond the contract, all filled in.
EXTENSIONS = {
    "commissioners": [
        {
            "conflict_framework": True,
            "separated_provider_arm": False,
            "patients_or_public_in_decisions": True,
        }
    ],
    "provider": {
        "parent": "northtown-council",
        "board": {
            "patient_or_public_members": 2,
            "staff_members": 2,
            "elected": True,
            "councillor_members": 0,
        },
        "separate_legal_entity": True,
        "community_interest_statement": "Community health services for the people of Northtown.",
        "annual_community_report_planned": True,
        "purpose": "community_benefit",
        "constitution": {
            "articles_filed": True,
            "memorandum_filed": False,
            "objects_include_statutory_functions": False,
            "change_expected": False,
            "members_can_remove_asset_lock": False,
            "trustee_remuneration_authorised": False,
        },
        "accountability_framework": True,
        "equity_shareholders": False,
        "individual_claim_on_assets": False,
        "staff_owned": True,
        "patient_interest_recognised": True,
        "liability_holder": "provider",
        "delivers_statutory_functions": False,
        "profit_objective_for_parent": False,
        "vat_position": "exempt_health",
        # legal form and regulation fields
        "companies_house_identity_verified": True,
    },
    "staff_transfer": {
        "transfers_on": "2010-04-01",
        "pension": {
            "admission_agreement": False,
            "new_fair_deal": False,
            "independent_provider_employer": False,
        },
        "consultation_started": True,
        "secondment_years": 0,
        "cosop_applies": True,
        "dass_secondment_s113": False,
    },
    "contract": {
        "best_value_case": True,
        "evaluation_criteria_published": True,
        "award_published": True,
        "bidders_named": False,
        "legally_enforceable": True,
        "procurement_started_on": "2009-03-02",
        "regime": "pcr_2006",
        "psr_process": "competitive_process",
        "standstill_observed": True,
        "decision_makers_recorded": True,
        "subcontracts_to": "northtown-council",
        "application_made_on": "2009-06-30",
        "application_approved_on": "2009-09-15",
        "awarded_on": "2009-12-01",
        "service_type": "health_and_social_care",
        "main_subject_matter": "health_care",
        "other_services_separable": False,
        "direct_award_justification": "none",
        "transparency_notice_published": True,
        "conflicts_assessment_prepared": True,
        "exclusions_checked": True,
        "value_includes_vat": True,
    },
    "conflicts_of_interest": [
        {
            "managed_by": "Excluded from the award decision",
            "published": True,
            "in_register": True,
            "disclosable_pecuniary_interest": False,
            "dispensation_granted": False,
        }
    ],
    "partnership": {
        "agreement": "section_75",
        "pooled_budget": True,
        "pooled_budget_gbp": 1500000.50,
        "lead_commissioner": "northtown-pct",
        "dass_role_transferred": False,
        "relations_quality": "good",
        "joint_commissioning": True,
        "governance_agreed": True,
    },
    "finance": {
        "working_capital_gbp": 500000,
        "start_up_loan_gbp": 250000,
        "business_plan": True,
        "surplus_reinvested": True,
        "dividend_cap_percent": 20,
        # the CIC dividend caps, each with its own base
        "aggregate_dividend_cap_percent": 35,
        "dividend_per_share_percent": 20,
        "dividend_per_share_over_base_rate_percent": 5,
        "dividend_declared_on": "2012-07-01",
    },
    "services": [
        {"delegation_authorised": False, "safeguarding_arrangements_agreed": True,
         "regulated_activity": True},
    ],
}

MINIMAL = {
    "govcheck": 1,
    "id": "minimal",
    "title": "Minimal proposal",
    "commissioners": [{"id": "pct", "name": "PCT", "type": "primary_care_trust"}],
    "provider": {"name": "Unit", "model": "provider_unit", "legal_form": "none"},
}

COMMISSIONER_TYPES = [
    "primary_care_trust", "local_authority", "care_trust", "care_trust_plus",
    "strategic_health_authority", "gp_consortium", "practice_based_commissioning_group",
    "clinical_commissioning_group", "integrated_care_board", "nhs_england", "other",
]

# Every enum value the format fixes, by field path ("[]" = an item of a list).
# Listed by hand so that renaming or dropping a value in the schema fails a test.
SPEC_ENUMS = {
    "commissioners[].type": COMMISSIONER_TYPES,
    "bodies[].type": COMMISSIONER_TYPES
    + ["nhs_trust", "nhs_foundation_trust", "company", "charity", "other"],
    "bodies[].roles[]": ["owner", "partner", "employer", "landlord", "funder"],
    "provider.model": [
        "provider_unit", "arms_length_organisation", "community_foundation_trust", "care_trust",
        "childrens_trust", "joint_venture", "vertical_integration",
        "integrated_care_organisation", "managed_practitioner_network", "social_enterprise",
        "independent_sector", "nhs_trust",
    ],
    "provider.legal_form": [
        "none", "company_limited_by_guarantee", "company_limited_by_shares",
        "community_interest_company", "community_benefit_society", "co_operative_society",
        "charitable_incorporated_organisation", "charitable_trust",
        "unincorporated_association", "limited_liability_partnership", "nhs_trust",
        "nhs_foundation_trust", "care_trust", "local_authority_company",
    ],
    "provider.profit_distribution": ["none", "capped", "unrestricted"],
    "provider.asset_lock": ["none", "statutory", "constitutional"],
    "provider.charitable_status": ["none", "registered", "exempt", "applying"],
    "provider.registered_with[]": [
        "companies_house", "cic_regulator", "fsa", "fca", "charity_commission", "monitor",
        "care_quality_commission",
    ],
    "provider.membership.voting": ["one_member_one_vote", "one_share_one_vote", "board_only"],
    "provider.membership.classes[]": [
        "staff", "patients", "public", "commissioners", "local_authority", "clinicians",
        "investors",
    ],
    "staff_transfer.mechanism": ["tupe_transfer", "secondment", "new_contracts"],
    "staff_transfer.pension.nhs_pension_access": ["direction_status", "employer_access", "none"],
    "staff_transfer.pension.direction_status": [
        "granted", "applied", "not_applied", "not_eligible",
    ],
    "staff_transfer.pension.alternative": [
        "none", "broadly_comparable", "lgps_admission", "defined_contribution",
    ],
    "services[].kind": [
        "community_health", "adult_social_care", "primary_medical", "mental_health",
        "childrens_services", "public_health",
    ],
    "contract.route": [
        "competitive_tender", "direct_award", "right_to_request", "internal_sla",
        "transfer_without_tender", "section_75_partnership", "any_qualified_provider",
    ],
    "contract.type": [
        "nhs_standard_contract", "apms", "spms", "pms", "gms", "service_level_agreement",
        "section_75_agreement", "subcontract", "local_authority_contract",
    ],
    "assets[].transfer": ["freehold", "lease", "licence", "loan"],
    "conflicts_of_interest[].interest": [
        "director", "shareholder", "member", "employee", "partner", "family", "other",
    ],
}

# Enum values of the optional fields this schema adds (from the task brief).
ADDED_ENUMS = {
    "provider.purpose": ["charitable", "commercial", "community_benefit", "mutual_benefit"],
    "provider.liability_holder": ["provider", "commissioner", "members", "parent"],
    "provider.vat_position": ["exempt_welfare", "exempt_health", "taxable", "not_assessed"],
    "contract.regime": [
        "pcr_2006", "pcr_2015", "nhs_procurement_2013", "provider_selection_regime",
        "procurement_act_2023", "none_stated",
    ],
    "contract.psr_process": [
        "direct_award_a", "direct_award_b", "direct_award_c", "most_suitable_provider",
        "competitive_process",
    ],
    "partnership.agreement": [
        "section_75", "section_31", "section_256", "memorandum_of_understanding", "none",
    ],
    "partnership.relations_quality": ["good", "mixed", "poor"],
}

ALLOWED_KEYWORDS = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "examples", "type",
    "properties", "required", "additionalProperties", "patternProperties", "items",
    "minItems", "maxItems", "uniqueItems", "enum", "enumDescriptions", "const", "pattern", "format",
    "minimum", "maximum", "maxLength",
}


# ---------------------------------------------------------------- helpers


def errors(doc):
    return list(VALIDATOR.iter_errors(doc))


def is_valid(doc):
    return not errors(doc)


def example():
    return copy.deepcopy(SPEC_EXAMPLE)


def merge(base, extra):
    """Deep-merge extra into a copy of base; lists merge item by item (extra no longer)."""
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for key, value in extra.items():
            out[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    if isinstance(base, list) and isinstance(extra, list):
        out = copy.deepcopy(base)
        for i, value in enumerate(extra):
            out[i] = merge(base[i], value)
        return out
    return copy.deepcopy(extra)


def set_path(doc, path, value):
    """Set a value at a dotted path in a proposal; "x[]" is the first item of list x
    (created as {} if absent); a final "x[]" makes the list [value]."""
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        if part.endswith("[]"):
            node = node.setdefault(part[:-2], [{}])[0]
        else:
            node = node.setdefault(part, {})
    last = parts[-1]
    if last.endswith("[]"):
        node[last[:-2]] = [value]
    else:
        node[last] = value
    return doc


def resolve(schema):
    while "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        schema = SCHEMA["$defs"][ref[len("#/$defs/"):]]
    return schema


def walk(schema, path="$"):
    """Yield (path, subschema) for every schema object in the document."""
    yield path, schema
    for key in ("properties", "patternProperties", "$defs"):
        for name, sub in schema.get(key, {}).items():
            yield from walk(sub, f"{path}.{key}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from walk(schema["items"], f"{path}.items")
    for i, sub in enumerate(schema.get("oneOf", [])):
        yield from walk(sub, f"{path}.oneOf[{i}]")


def field_paths(schema, prefix=""):
    """Yield (field path, schema) for every named property, "[]" marking list items."""
    schema = resolve(schema)
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        yield path, sub
        target = resolve(sub)
        if target.get("type") == "array":
            yield from field_paths(target["items"], path + "[].")
        else:
            yield from field_paths(target, path + ".")


def enum_consts(schema):
    schema = resolve(schema)
    if schema.get("type") == "array":
        schema = resolve(schema["items"])
    return list(schema.get("enum", []))


def schema_at(field_path):
    return dict(field_paths(SCHEMA))[field_path.removesuffix("[]")]


# ---------------------------------------------------------------- the schema itself


def test_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] == "https://govcheck.example/schemas/proposal.schema.json"
    assert SCHEMA["title"] and SCHEMA["description"]


def test_every_property_has_a_description():
    missing = [
        f"{path}.properties.{name}"
        for path, sub in walk(SCHEMA)
        for name, prop in sub.get("properties", {}).items()
        if not str(prop.get("description", "")).strip()
    ]
    assert not missing


def test_every_enum_value_has_a_description_editors_show_under_the_field():
    # `enum` with `enumDescriptions` beside it, not a `oneOf` of described consts: an
    # editor's hover (yaml-language-server) shows the description of the first schema
    # that matches, and a matching oneOf branch comes before its field, so the hover
    # said what the value means in place of what the field is.
    problems = []
    for path, sub in walk(SCHEMA):
        if "oneOf" in sub:
            problems.append(f"{path}: oneOf (write enum and enumDescriptions)")
        if "enum" not in sub:
            continue
        values, described = sub["enum"], sub.get("enumDescriptions", [])
        if len(values) != len(described) or not all(str(d).strip() for d in described):
            problems.append(f"{path}: one non-empty enumDescriptions entry per enum value")
        if len(values) != len(set(values)):
            problems.append(f"{path}: duplicate enum value")
    assert not problems


def test_every_field_is_titled_with_its_path_for_editors():
    # Without a title of its own, the hover over any field is headed by the schema's
    # title ("govcheck proposal"); the field's path is what govcheck's messages name.
    titles = {path: sub.get("title") for path, sub in field_paths(SCHEMA)}
    wrong = {path: title for path, title in titles.items() if title != path}
    assert not wrong


def test_only_walkable_keywords_are_used():
    used = {key for _, sub in walk(SCHEMA) for key in sub}
    assert used <= ALLOWED_KEYWORDS, used - ALLOWED_KEYWORDS


def test_every_object_is_closed_but_allows_x_keys():
    objects = [(p, s) for p, s in walk(SCHEMA) if s.get("type") == "object"]
    assert len(objects) >= 15
    for path, sub in objects:
        assert sub.get("additionalProperties") is False, path
        assert sub.get("patternProperties") == {"^x-": {}}, path


def test_required_fields_are_exactly_the_contract():
    required = {path: set(sub["required"]) for path, sub in walk(SCHEMA) if "required" in sub}
    assert required == {
        "$": {"govcheck", "id", "title", "commissioners", "provider"},
        "$.properties.commissioners.items": {"id", "name", "type"},
        "$.properties.provider": {"name", "model", "legal_form"},
        "$.properties.waivers.items": {"rule", "reason", "approved_by", "expires"},
    }
    assert SCHEMA["properties"]["commissioners"]["minItems"] == 1
    assert SCHEMA["properties"]["govcheck"]["const"] == 1


def test_property_order_follows_the_spec_example():
    def check(schema, doc, path):
        schema = resolve(schema)
        if isinstance(doc, list):
            for item in doc:
                check(schema["items"], item, path + "[]")
            return
        if not isinstance(doc, dict):
            return
        order = [name for name in schema["properties"] if name in doc]
        assert order == list(doc), path
        for name, value in doc.items():
            check(schema["properties"][name], value, f"{path}.{name}")

    check(SCHEMA, SPEC_EXAMPLE, "$")


def test_dates_ids_counts_and_money_have_the_agreed_shapes():
    for path, sub in field_paths(SCHEMA):
        name = path.rsplit(".", 1)[-1].removesuffix("[]")
        target = resolve(sub)
        if name in ("as_at", "declared_on", "expires") or name.endswith("_on"):
            assert target["type"] == "string" and target["format"] == "date", path
        if name.endswith("_gbp"):
            assert target["type"] == "number" and target["minimum"] == 0, path
        if name in ("years", "secondment_years") or name.endswith(("_staff", "_members")):
            assert target["type"] == "integer" and target["minimum"] == 0, path
        if name == "id":
            assert target["pattern"] == "^[a-z0-9][a-z0-9-]*$", path
        if target.get("type") == "string" and "enum" not in target and "const" not in target:
            assert "maxLength" in target or "pattern" in target or "format" in target, path


# ---------------------------------------------------------------- accepting


def test_spec_example_validates():
    assert errors(example()) == []


def test_minimal_proposal_validates():
    assert errors(copy.deepcopy(MINIMAL)) == []


def test_example_with_every_added_optional_field_validates():
    doc = merge(example(), EXTENSIONS)
    assert errors(doc) == []
    # ...and together the two examples use every field the schema defines.
    def used(node, prefix=""):
        if isinstance(node, dict):
            for key, value in node.items():
                yield prefix + key
                sep = "[]." if isinstance(value, list) else "."
                yield from used(value, prefix + key + sep)
        elif isinstance(node, list):
            for item in node:
                yield from used(item, prefix)

    defined = {p for p, _ in field_paths(SCHEMA)}
    assert defined - set(used(doc)) == set()


def test_x_keys_are_free_everywhere():
    doc = example()
    doc["x-expect"] = [{"rule": "COI-001", "severity": "error"}]
    doc["provider"]["x-note"] = "checked by the governance lead"
    doc["provider"]["membership"]["x-anything"] = {"nested": [1, 2]}
    doc["commissioners"][0]["x-local-code"] = 5
    doc["staff_transfer"]["pension"]["x-note"] = "see annex"
    doc["waivers"][0]["x-ticket"] = "GOV-12"
    assert errors(doc) == []


@pytest.mark.parametrize(
    "path, values", list(SPEC_ENUMS.items()) + list(ADDED_ENUMS.items()), ids=lambda v: str(v)[:40]
)
def test_every_enum_value_is_accepted(path, values):
    for value in values:
        doc = set_path(copy.deepcopy(MINIMAL), path, value)
        assert errors(doc) == [], (path, value)
    doc = set_path(copy.deepcopy(MINIMAL), path, "not_a_listed_value")
    assert not is_valid(doc), path


@pytest.mark.parametrize("path", list(SPEC_ENUMS))
def test_spec_enum_values_are_all_in_the_schema(path):
    assert set(SPEC_ENUMS[path]) <= set(enum_consts(schema_at(path))), path


def test_body_types_include_every_commissioner_type():
    assert set(enum_consts(schema_at("commissioners[].type"))) <= set(
        enum_consts(schema_at("bodies[].type"))
    )


# ---------------------------------------------------------------- rejecting


def test_typo_asset_lok_is_rejected():
    doc = example()
    doc["provider"]["asset_lok"] = doc["provider"].pop("asset_lock")
    errs = errors(doc)
    assert [e.validator for e in errs] == ["additionalProperties"]
    assert list(errs[0].absolute_path) == ["provider"]
    assert "asset_lok" in errs[0].message


def test_unknown_top_level_key_is_rejected():
    doc = example()
    doc["comissioners"] = []
    assert not is_valid(doc)


def test_open_yes_string_is_rejected():
    doc = example()
    doc["provider"]["membership"]["open"] = "yes"
    errs = errors(doc)
    assert [e.validator for e in errs] == ["type"]
    assert list(errs[0].absolute_path) == ["provider", "membership", "open"]


def test_charitable_status_no_is_rejected():
    doc = example()
    doc["provider"]["charitable_status"] = "no"
    errs = errors(doc)
    assert [list(e.absolute_path) for e in errs] == [["provider", "charitable_status"]]
    doc["provider"]["charitable_status"] = False
    assert not is_valid(doc)


@pytest.mark.parametrize("bad", ["2009-02-30", "2009-13-01", "01/10/2009", "2009-10-1", ""])
def test_impossible_or_malformed_dates_are_rejected(bad):
    for path in ("as_at", "conflicts_of_interest[].declared_on", "waivers[].expires"):
        doc = set_path(example(), path, bad)
        assert not is_valid(doc), (path, bad)


def test_negative_counts_and_money_are_rejected():
    for path, bad in [
        ("staff_transfer.nhs_staff", -1),
        ("staff_transfer.nhs_staff", 2.5),
        ("staff_transfer.nhs_staff", True),
        ("staff_transfer.nhs_staff", "240"),
        ("provider.board.executive_directors", -3),
        ("contract.years", -1),
        ("contract.value_gbp", -0.01),
        ("assets[].value_gbp", -5),
        ("finance.working_capital_gbp", -1),
        ("finance.dividend_cap_percent", 100.5),
        ("finance.dividend_cap_percent", -1),
    ]:
        assert not is_valid(set_path(example(), path, bad)), (path, bad)


def test_missing_required_fields_are_rejected():
    for key in ("govcheck", "id", "title", "commissioners", "provider"):
        doc = example()
        del doc[key]
        errs = errors(doc)
        assert [e.validator for e in errs] == ["required"], key
    for key in ("name", "model", "legal_form"):
        doc = example()
        del doc["provider"][key]
        assert not is_valid(doc), key
    for key in ("id", "name", "type"):
        doc = example()
        del doc["commissioners"][0][key]
        assert not is_valid(doc), key
    for key in ("rule", "reason", "approved_by", "expires"):
        doc = example()
        del doc["waivers"][0][key]
        assert not is_valid(doc), key


def test_commissioners_must_not_be_empty():
    doc = example()
    doc["commissioners"] = []
    assert not is_valid(doc)


def test_format_version_must_be_1():
    for bad in (2, "1", True, 0):
        doc = example()
        doc["govcheck"] = bad
        assert not is_valid(doc), bad


@pytest.mark.parametrize("bad", ["Northtown PCT", "-pct", "pct_1", "PCT", ""])
def test_ids_must_be_slugs(bad):
    for path in ("id", "commissioners[].id", "bodies[].id", "contract.counterparty"):
        assert not is_valid(set_path(example(), path, bad)), (path, bad)


@pytest.mark.parametrize("bad", ["coi-002", "COI-2", "COI-0002", "COI002", "C0I-002"])
def test_waiver_rule_ids_must_be_prefix_nnn(bad):
    doc = example()
    doc["waivers"][0]["rule"] = bad
    assert not is_valid(doc)


def test_enum_lists_reject_duplicates_and_strings():
    doc = example()
    doc["provider"]["registered_with"] = ["companies_house", "companies_house"]
    assert not is_valid(doc)
    doc = example()
    doc["provider"]["membership"]["classes"] = "staff"
    assert not is_valid(doc)


def test_overlong_free_text_is_rejected():
    doc = example()
    doc["title"] = "x" * 201
    assert not is_valid(doc)
    doc = example()
    doc["summary"] = "x" * 20001
    assert not is_valid(doc)


# Near misses for every kind of field: wrong types, YAML 1.1 words, impossible dates,
# ids and rule ids that break their pattern, over-long text, repeats in a list.
NEAR_MISSES = [
    None, True, False, 0, -1, 2.5, 1e9, "", "yes", "2009-02-30", "2009-13-01",
    "2009-1-01", "\u0662\u0660\u0660\u0669-10-01", "2009-10-01\n", "abc\n",
    "2009-10-01", "Bad Id", "coi-002", "COI-02", "x" * 2001,
    "primary_care_trust", ["staff", "staff"], [], [1], {}, {"colour": "red"},
    {"x-note": "n"},
]


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


def test_fast_compiled_check_agrees_with_jsonschema_on_every_near_miss():
    """validate.py trusts the fast check's "valid" in a batch; it must never be laxer.

    Every field of the fullest example is set, in turn, to every near miss; and each
    object gets an unknown key and loses each of its keys in turn.
    """
    from govcheck.fastcheck import QuickVerdict
    from govcheck.validate import _validation_schema, _validator

    quick = QuickVerdict(_validation_schema).compile()
    full = merge(example(), EXTENSIONS)
    variants = []
    for path in list(_paths(full))[1:]:
        *head, last = path
        for value in NEAR_MISSES:
            doc = copy.deepcopy(full)
            parent = doc
            for step in head:
                parent = parent[step]
            parent[last] = copy.deepcopy(value)
            variants.append((path, value, doc))
        if isinstance(parent := _at(full, path), dict):
            for key in [*parent, None]:
                doc = copy.deepcopy(full)
                target = _at(doc, path)
                if key is None:
                    target["colour"] = "red"
                else:
                    del target[key]
                variants.append((path, f"without {key}", doc))
    laxer, stricter = [], []
    for path, value, doc in variants:
        fast, slow = quick(doc), _validator().is_valid(doc)
        where = f"{'/'.join(map(str, path))} = {str(value)[:30]!r}"
        if fast and not slow:
            laxer.append(where)
        elif slow and not fast:
            stricter.append((where, value))
    assert len(variants) > 2000
    assert not laxer, laxer[:20]
    # The one known difference is safe (jsonschema then decides): a pattern's `$`
    # accepts a trailing newline in jsonschema (Python's re), not in fastjsonschema.
    assert all(isinstance(v, str) and v.endswith("\n") for _, v in stricter), stricter[:5]


def _at(node, path):
    for step in path:
        node = node[step]
    return node
