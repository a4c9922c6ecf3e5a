package dev.kldload.core.plan;

import java.util.List;
import java.util.Set;

/**
 * Plans cut where a test wants a run to end: killed after a step, failing or interrupted in one;
 * shared by every module's tests of resume and undo.
 */
public final class PlanCuts {
  private PlanCuts() {}

  /** The first {@code k} steps in run order: running it is a run killed after step {@code k}. */
  public static Plan prefix(Plan plan, int k) {
    Plan.Builder cut = Plan.builder(plan.name());
    plan.ordered().subList(0, k).forEach(cut::add);
    return cut.build();
  }

  /** The plan with step {@code id} failing before it changes anything. */
  public static Plan failingAt(Plan plan, String id) {
    return replacing(
        plan,
        id,
        c -> {
          throw new IllegalStateException("injected failure in " + id);
        });
  }

  /** The plan with Ctrl-C pressed while step {@code id} runs. */
  public static Plan interruptedAt(Plan plan, String id, CancellationToken token) {
    return replacing(
        plan,
        id,
        c -> {
          token.cancel();
          throw new InterruptedException("Ctrl-C");
        });
  }

  private interface Apply {
    void run(StepContext context) throws Exception;
  }

  private static Plan replacing(Plan plan, String id, Apply apply) {
    if (plan.step(id) == null) {
      throw new IllegalArgumentException("plan " + plan.name() + " has no step " + id);
    }
    Plan.Builder out = Plan.builder(plan.name());
    for (Step step : plan.ordered()) {
      out.add(step.id().equals(id) ? new Replaced(step, apply) : step);
    }
    return out.build();
  }

  private record Replaced(Step step, Apply apply) implements Step {
    @Override
    public String id() {
      return step.id();
    }

    @Override
    public String description() {
      return step.description();
    }

    @Override
    public Set<String> dependsOn() {
      return step.dependsOn();
    }

    @Override
    public boolean isDone(StepContext context) throws Exception {
      return step.isDone(context);
    }

    @Override
    public void apply(StepContext context) throws Exception {
      apply.run(context);
    }

    @Override
    public boolean critical() {
      return step.critical();
    }

    @Override
    public List<String> creates() {
      return step.creates();
    }

    @Override
    public boolean reversible() {
      return step.reversible();
    }

    @Override
    public void undo(StepContext context) throws Exception {
      step.undo(context);
    }
  }
}
