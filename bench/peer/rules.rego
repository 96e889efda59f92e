# Ten govcheck rules written in Rego, for bench/peer.py (a speed and agreement check,
# not a second rulebook). Each finding is {"rule": id, "at": list index or null}.
# Semantics follow rules/*.yaml: a field the proposal does not state never compares
# (Rego leaves the expression undefined, so the body fails), as in govcheck.
package govcheck

import rego.v1

# Derived facts (rules/facts.yaml).
cannot_be_charity if input.provider.legal_form in {"community_interest_company", "co_operative_society"}

direction_status_unlikely if input.provider.legal_form == "co_operative_society"

findings contains {"rule": "CHAR-001", "at": null} if {
	cannot_be_charity
	input.provider.charitable_status in {"registered", "exempt", "applying"}
}

findings contains {"rule": "PEN-002", "at": null} if {
	direction_status_unlikely
	input.staff_transfer.nhs_staff > 0
	input.staff_transfer.pension.nhs_pension_access == "direction_status"
	not direction_granted
}

direction_granted if input.staff_transfer.pension.direction_status == "granted"

findings contains {"rule": "COI-001", "at": i} if {
	some i, declaration in input.conflicts_of_interest
	declaration.declared == true
	declaration.recused == false
}

findings contains {"rule": "PEN-001", "at": null} if {
	input.staff_transfer.nhs_staff > 0
	not input.staff_transfer.pension
}

findings contains {"rule": "CON-005", "at": null} if {
	input.provider.legal_form != "none"
	input.contract.legally_enforceable == false
}

findings contains {"rule": "FIN-007", "at": null} if {
	input.provider.legal_form == "community_interest_company"
	input.finance.start_up_loan_gbp > 0
}

findings contains {"rule": "GOV-014", "at": null} if {
	input.provider.separate_legal_entity == true
	input.provider.board.non_executive_directors <= 0
}

findings contains {"rule": "LF-010", "at": null} if {
	input.provider.legal_form == "community_benefit_society"
	input.provider.membership.voting in {"one_share_one_vote", "board_only"}
}

findings contains {"rule": "LF-016", "at": null} if {
	input.provider.legal_form == "community_interest_company"
	input.provider.profit_distribution == "capped"
}

findings contains {"rule": "PART-007", "at": null} if {
	input.partnership.pooled_budget == false
	input.partnership.pooled_budget_gbp > 0
}
