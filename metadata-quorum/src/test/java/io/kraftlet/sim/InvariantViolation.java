package io.kraftlet.sim;

/** A named invariant of DESIGN §6 failed during a simulation run. */
public final class InvariantViolation extends RuntimeException {
    private final String invariant;

    public InvariantViolation(String invariant, String detail) {
        super(invariant + " violated: " + detail);
        this.invariant = invariant;
    }

    public String invariant() {
        return invariant;
    }
}
