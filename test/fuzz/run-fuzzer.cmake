# SPDX-License-Identifier: GPL-2.0-only
# Runs one libFuzzer harness for RUNS executions with a fixed seed and
# prints libFuzzer's own summary ("Done N runs in S second(s)").
file(MAKE_DIRECTORY ${WORK})
execute_process(
  COMMAND ${EXE} -runs=${RUNS} -seed=1 -max_len=128 -print_final_stats=1 ${WORK} ${SEEDS}
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
string(REGEX MATCH "Done [0-9]+ runs in [0-9]+ second" done "${out}")
string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" units "${out}")
message(STATUS "${done}; ${units}")
if(NOT rc EQUAL 0)
  message("${out}")
  message(FATAL_ERROR "fuzzer exited with ${rc}: a crash or a broken property")
endif()
