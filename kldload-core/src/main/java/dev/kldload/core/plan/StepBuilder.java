package dev.kldload.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Builds a {@link Step} from lambdas, for the many steps that need no class of their own. */
public final class StepBuilder {
  /** A check that observes the world. */
  @FunctionalInterface
  public interface Check {
    boolean test(StepContext context) throws Exception;
  }

  /** An action that changes the world. */
  @FunctionalInterface
  public interface Action {
    void run(StepContext context) throws Exception;
  }

  private final String id;
  private String description;
  private final Set<String> dependsOn = new LinkedHashSet<>();
  private final List<String> creates = new ArrayList<>();
  private boolean critical = true;
  private Check done;
  private Action undo;

  StepBuilder(String id) {
    this.id = Objects.requireNonNull(id, "id");
  }

  public StepBuilder description(String value) {
    this.description = value;
    return this;
  }

  public StepBuilder after(String... stepIds) {
    dependsOn.addAll(List.of(stepIds));
    return this;
  }

  public StepBuilder after(Iterable<String> stepIds) {
    stepIds.forEach(dependsOn::add);
    return this;
  }

  public StepBuilder creates(String... objects) {
    creates.addAll(List.of(objects));
    return this;
  }

  public StepBuilder nonCritical() {
    this.critical = false;
    return this;
  }

  /** How to reverse a successful apply when the run fails (see {@link Step#undo}). */
  public StepBuilder undo(Action action) {
    this.undo = action;
    return this;
  }

  public StepBuilder doneWhen(Check check) {
    this.done = check;
    return this;
  }

  public Step apply(Action action) {
    Objects.requireNonNull(done, () -> "step " + id + " needs doneWhen(...) before apply(...)");
    String text = description == null ? id : description;
    Set<String> deps = Set.copyOf(dependsOn);
    List<String> made = List.copyOf(creates);
    boolean isCritical = critical;
    Check check = done;
    Action reverse = undo;
    return new Step() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public String description() {
        return text;
      }

      @Override
      public Set<String> dependsOn() {
        return deps;
      }

      @Override
      public boolean isDone(StepContext context) throws Exception {
        return check.test(context);
      }

      @Override
      public void apply(StepContext context) throws Exception {
        action.run(context);
      }

      @Override
      public boolean critical() {
        return isCritical;
      }

      @Override
      public List<String> creates() {
        return made;
      }

      @Override
      public boolean reversible() {
        return reverse != null;
      }

      @Override
      public void undo(StepContext context) throws Exception {
        if (reverse != null) {
          reverse.run(context);
        }
      }

      @Override
      public String toString() {
        return id;
      }
    };
  }
}
