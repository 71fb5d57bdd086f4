//! Small predicates shared by several workload rules.
