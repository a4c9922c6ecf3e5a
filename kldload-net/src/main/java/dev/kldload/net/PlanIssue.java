package dev.kldload.net;

/** One problem {@link NetworkPlan#check} found: which range, and what it collides with. */
public record PlanIssue(String range, String cidr, String conflictsWith, String detail) {}
