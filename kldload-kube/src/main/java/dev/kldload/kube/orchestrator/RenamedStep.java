package dev.kldload.kube.orchestrator;

import dev.kldload.core.plan.Step;
import dev.kldload.core.plan.StepContext;
import java.util.List;
import java.util.Set;

/** A step of another plan under a new id and dependencies; everything else as it was. */
record RenamedStep(Step step, String id, Set<String> dependsOn) implements Step {
  @Override
  public String description() {
    return step.description();
  }

  @Override
  public boolean isDone(StepContext context) throws Exception {
    return step.isDone(context);
  }

  @Override
  public void apply(StepContext context) throws Exception {
    step.apply(context);
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

  @Override
  public String toString() {
    return id;
  }
}
