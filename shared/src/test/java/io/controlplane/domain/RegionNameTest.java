package io.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one rule for a region's name. */
class RegionNameTest {

    @Test
    void azuresRegionNamesAreValidAndAnythingElseIsNot() {
        assertThat(RegionName.isValid("westeurope")).isTrue();
        assertThat(RegionName.isValid("eastus2")).isTrue();
        assertThat(RegionName.isValid("a" + "b".repeat(39))).as("40 characters").isTrue();
        assertThat(RegionName.isValid("a" + "b".repeat(40))).as("41 characters").isFalse();
        assertThat(RegionName.isValid("w")).as("one character").isFalse();
        assertThat(RegionName.isValid("WestEurope")).isFalse();
        assertThat(RegionName.isValid("west-europe")).isFalse();
        assertThat(RegionName.isValid("2east")).isFalse();
        assertThat(RegionName.isValid("")).isFalse();
        assertThat(RegionName.isValid(null)).isFalse();
    }
}
