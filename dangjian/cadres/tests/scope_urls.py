"""Cadres URLs for the project-wide scope matrix: every object lies in the 乙街道 subtree."""
import datetime


def url_cases(world) -> dict[str, dict]:
    from dangjian.cadres.models import (
        Cadre, Candidate, CommunityFund, Election, PayStandard, TrainingAttendance, TrainingClass, VenueInvestment,
    )

    marker = world["marker"]
    county = world["county"]
    branch, street = county["community_branch"], county["street_committee"]
    day = datetime.date(2024, 1, 1)
    cadre = Cadre.objects.create(organization=branch, name=f"{marker}书记", post="书记", started_on=day)
    Cadre.objects.create(organization=branch, name=f"{marker}后备", post="后备干部", started_on=day)
    tc = TrainingClass.objects.create(name=f"{marker}培训班", started_on=day, ended_on=day, hours=8, organization=street)
    attendance = TrainingAttendance.objects.create(training=tc, name=f"{marker}学员", organization=branch, role="书记")
    pay = PayStandard.objects.create(category="城市社区", post="书记", amount=3000, effective_on=day)
    fund = CommunityFund.objects.create(division=county["community"], year=2025, category="社区工作经费", amount=1)
    investment = VenueInvestment.objects.create(division=county["community"], project=f"{marker}项目", invested_on=day,
                                                amount=1)
    election = Election.objects.create(organization=branch, planned_on=day, plan=f"{marker}方案")
    candidate = Candidate.objects.create(election=election, name=f"{marker}候选人", post="委员")
    return {
        "cadres:index": {},
        "cadres:team": {"pk": branch.pk},
        "cadres:cadre_list": {},
        "cadres:cadre_create": {},
        "cadres:cadre_detail": {"pk": cadre.pk},
        "cadres:cadre_edit": {"pk": cadre.pk},
        "cadres:cadre_end": {"pk": cadre.pk},
        "cadres:cadre_delete": {"pk": cadre.pk},
        "cadres:reserves": {},
        "cadres:structure": {},
        "cadres:trainings": {},
        "cadres:training_create": {},
        "cadres:coverage": {},
        "cadres:training_detail": {"pk": tc.pk},
        "cadres:training_edit": {"pk": tc.pk},
        "cadres:training_delete": {"pk": tc.pk},
        "cadres:attendance_add": {"pk": tc.pk},
        "cadres:attendance_delete": {"pk": attendance.pk},
        "cadres:pay_standards": {},
        "cadres:pay_create": {},
        "cadres:pay_edit": {"pk": pay.pk},
        "cadres:pay_delete": {"pk": pay.pk},
        "cadres:funds": {},
        "cadres:fund_create": {},
        "cadres:fund_edit": {"pk": fund.pk},
        "cadres:fund_delete": {"pk": fund.pk},
        "cadres:investments": {},
        "cadres:investment_create": {},
        "cadres:investment_edit": {"pk": investment.pk},
        "cadres:investment_delete": {"pk": investment.pk},
        "cadres:elections": {},
        "cadres:election_create": {},
        "cadres:election_detail": {"pk": election.pk},
        "cadres:election_edit": {"pk": election.pk},
        "cadres:election_cancel": {"pk": election.pk},
        "cadres:election_result": {"pk": election.pk},
        "cadres:candidate_create": {"pk": election.pk},
        "cadres:vetting_record": {"pk": candidate.pk},
        "api:cadres-cadre-list": {},
        "api:cadres-cadre-detail": {"pk": cadre.pk},
        "api:cadres-cadre-end": {"pk": cadre.pk},
        "api:cadres-attendance-list": {},
        "api:cadres-attendance-detail": {"pk": attendance.pk},
        "api:cadres-election-list": {},
        "api:cadres-election-detail": {"pk": election.pk},
    }
