# SPDX-License-Identifier: GPL-2.0-only
#
# The ns-3 part of the mptcp module (models, helpers, ns-3 TestSuites),
# included by the top-level CMakeLists.txt when MPTCP_WITH_NS3 is ON. The C
# core (target mptcp-core, MPTCP_CORE_INCLUDE) is defined before this file.
#
#  * MPTCP_IN_NS3_TREE ON: this folder is contrib/mptcp of an ns-3 source
#    tree (ns-3.37 and later, CMake based). ns-3's build_lib() builds
#    libmptcp, its test library (linked into ns-3's test-runner, run with
#    test.py or `./ns3 run "test-runner --suite=mptcp-header"`) and, when
#    examples/CMakeLists.txt exists, the examples.
#  * MPTCP_IN_NS3_TREE OFF: standalone against an installed ns-3 >= 3.37
#    (find_package(ns3)). Builds libns3-mptcp.so, the test runner
#    mptcp-ns3-test-runner and one ctest test ns3.<suite> per TestSuite.

# Sources, relative to the module root. Keep the lists explicit: a new file
# is a deliberate change to the module.
set(MPTCP_NS3_SOURCES
    model/mptcp-tcp-header.cc
    model/mptcp-l4-protocol.cc
    model/mptcp-socket.cc
    model/mptcp-socket-stats.cc
    model/mptcp-socket-factory.cc
    model/mptcp-subflow.cc
    model/mptcp-attacker.cc
    helper/mptcp-helper.cc
    helper/mptcp-scenario.cc
    helper/mptcp-experiment.cc
    helper/mptcp-host-filter.cc
    helper/mptcp-options.cc
    helper/mptcp-output.cc
    helper/mptcp-results.cc
    helper/mptcp-plot.cc
    helper/mptcp-stats.cc
    helper/mptcp-progress.cc
    helper/mptcp-topology.cc
    helper/mptcp-network.cc
    helper/mptcp-ecmp-routing.cc
    helper/mptcp-khalili.cc
    helper/mptcp-fluid.cc
    helper/mptcp-fast.cc
    helper/mptcp-attacker-helper.cc
)
set(MPTCP_NS3_HEADERS
    model/mptcp-tcp-header.h
    model/mptcp-l4-protocol.h
    model/mptcp-socket.h
    model/mptcp-socket-factory.h
    model/mptcp-subflow.h
    model/mptcp-attacker.h
    helper/mptcp-helper.h
    helper/mptcp-scenario.h
    helper/mptcp-experiment.h
    helper/mptcp-host-filter.h
    helper/mptcp-options.h
    helper/mptcp-output.h
    helper/mptcp-results.h
    helper/mptcp-plot.h
    helper/mptcp-stats.h
    helper/mptcp-progress.h
    helper/mptcp-topology.h
    helper/mptcp-network.h
    helper/mptcp-ecmp-routing.h
    helper/mptcp-khalili.h
    helper/mptcp-fluid.h
    helper/mptcp-fast.h
    helper/mptcp-attacker-helper.h
)
set(MPTCP_NS3_TEST_SOURCES
    test/ns3/mptcp-header-test-suite.cc
    test/ns3/mptcp-socket-test-suite.cc
    test/ns3/mptcp-results-test-suite.cc
    test/ns3/mptcp-topology-test-suite.cc
    test/ns3/mptcp-rate-test-suite.cc
    test/ns3/mptcp-tcpsocket-test-suite.cc
    test/ns3/mptcp-experiment-test-suite.cc
)
# The name passed to TestSuite() in each file of MPTCP_NS3_TEST_SOURCES;
# each becomes the ctest test ns3.<name> in standalone builds.
set(MPTCP_NS3_TEST_SUITES
    mptcp-header
    mptcp-socket
    mptcp-results
    mptcp-topology
    mptcp-rate
    mptcp-tcpsocket
    mptcp-experiment
)
# ns-3 modules the module links (without the "lib" prefix ns-3 targets have).
set(MPTCP_NS3_DEPENDENCIES core network internet applications point-to-point
    traffic-control flow-monitor)

get_filename_component(MPTCP_NS3_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

# ns3::MptcpResults writes its files with SQLite.
find_package(SQLite3 REQUIRED)

# The results schema has one copy, scripts/results_schema.sql, which
# scripts/merge_results.py reads; the C++ helper gets it pasted into a
# generated header (CMake reconfigures when the file changes).
set(MPTCP_RESULTS_SCHEMA ${MPTCP_NS3_ROOT}/scripts/results_schema.sql)
set(MPTCP_NS3_GENERATED_DIR ${CMAKE_CURRENT_BINARY_DIR}/mptcp-generated)
file(READ ${MPTCP_RESULTS_SCHEMA} MPTCP_RESULTS_SCHEMA_SQL)
string(FIND "${MPTCP_RESULTS_SCHEMA_SQL}" ")mptcpschema" _mptcp_schema_delim)
if(NOT _mptcp_schema_delim EQUAL -1)
  message(FATAL_ERROR "${MPTCP_RESULTS_SCHEMA} must not contain ')mptcpschema', "
                      "the end of the raw string it is pasted into")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${MPTCP_RESULTS_SCHEMA})
configure_file(${MPTCP_NS3_ROOT}/helper/mptcp-results-schema.h.in
               ${MPTCP_NS3_GENERATED_DIR}/mptcp-results-schema.h @ONLY)

if(MPTCP_IN_NS3_TREE)
  # ---------------------------------------------------------------- in tree
  # Every module must be one of this tree's, enabled: otherwise the
  # sources would compile against whatever ns-3 headers are installed on
  # the system, another ns-3, without a word.
  file(READ ${MPTCP_NS3_ROOT}/CMakeLists.txt _mptcp_top)
  set(_mptcp_ns3_libs)
  foreach(dep ${MPTCP_NS3_DEPENDENCIES})
    string(FIND "${_mptcp_top}" "\${lib${dep}}" _mptcp_named)
    if(_mptcp_named EQUAL -1)
      message(FATAL_ERROR "mptcp: CMakeLists.txt must name \${lib${dep}} in "
                          "MPTCP_NS3_TREE_LIBRARIES, where ns-3 looks for a module's "
                          "dependencies")
    endif()
    # ns-3 configures contrib modules before it adds src/, so the modules'
    # targets do not exist yet: the tree's list of modules to build says
    # whether each one will.
    if(NOT lib${dep} OR NOT (dep IN_LIST libs_to_build))
      message(FATAL_ERROR "mptcp: the ns-3 module '${dep}' is not enabled in this tree "
                          "(${PROJECT_SOURCE_DIR}). Configure with it, e.g. "
                          "./ns3 configure --enable-modules=mptcp, or add ${dep} to "
                          "--enable-modules.")
    endif()
    list(APPEND _mptcp_ns3_libs ${lib${dep}})
  endforeach()

  # The core is linked into libmptcp. BUILD_INTERFACE keeps the static
  # library out of ns-3's exported package (ns3ExportTargets), which would
  # otherwise demand that mptcp-core be exported too.
  build_lib(
    LIBNAME mptcp
    SOURCE_FILES ${MPTCP_NS3_SOURCES}
    HEADER_FILES ${MPTCP_NS3_HEADERS}
    LIBRARIES_TO_LINK ${_mptcp_ns3_libs} $<BUILD_INTERFACE:mptcp-core>
                      $<BUILD_INTERFACE:mptcp-theory-lib>
                      $<BUILD_INTERFACE:mptcp-fastsim>
                      $<BUILD_INTERFACE:SQLite::SQLite3>
    TEST_SOURCES ${MPTCP_NS3_TEST_SOURCES}
  )

  # build_lib compiles the sources in an object library that receives only
  # the include directories of ns-3 modules; add the core's. Consumers of
  # libmptcp (its test library, examples, other modules) need it too,
  # because mptcp-tcp-header.h includes "mptcp/mptcp.h".
  if(TARGET ${libmptcp-obj})
    target_include_directories(${libmptcp-obj} PRIVATE ${MPTCP_CORE_INCLUDE}
                               ${MPTCP_NS3_GENERATED_DIR} ${SQLite3_INCLUDE_DIRS}
                               ${MPTCP_NS3_ROOT}/utils/theory
                               ${MPTCP_NS3_ROOT}/utils/fastsim
                               ${MPTCP_NS3_ROOT}/utils/loopback ${MPTCP_NS3_ROOT}/utils)
  endif()
  target_include_directories(
    ${libmptcp} PUBLIC $<BUILD_INTERFACE:${MPTCP_CORE_INCLUDE}>
    PRIVATE ${MPTCP_NS3_GENERATED_DIR}
  )
  # The mptcp-results suite reads the results files with SQLite's C API.
  # build_lib names the test library in ${testmptcp} (mptcp-test or
  # libmptcp-test, depending on the ns-3 release).
  if(DEFINED testmptcp AND TARGET ${testmptcp})
    target_link_libraries(${testmptcp} SQLite::SQLite3) # build_lib uses the plain signature
  endif()
  install(FILES ${MPTCP_CORE_INCLUDE}/mptcp/mptcp.h
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mptcp
  )
  return()
endif()

# ------------------------------------------------------------------ standalone
# ns-3 installs an ExactVersion version file (3.37 accepts only a request for
# 3.37), so find any ns-3 and compare the version here.
find_package(ns3 REQUIRED)
if(NOT ns3_VERSION)
  message(WARNING "ns-3 found in ${ns3_DIR} does not state its version; "
                  "the mptcp module needs ns-3 3.37 or later")
elseif(ns3_VERSION VERSION_LESS 3.37)
  message(FATAL_ERROR "The mptcp module needs ns-3 3.37 or later; found "
                      "ns-3 ${ns3_VERSION} in ${ns3_DIR}. Set ns3_DIR or "
                      "CMAKE_PREFIX_PATH to a newer installation.")
endif()
message(STATUS "mptcp: building against ns-3 ${ns3_VERSION} (${ns3_DIR})")

# ns-3's headers need C++20 from ns-3.42 on (std::remove_cvref_t, ...).
set(MPTCP_CXX_STANDARD 17)
if(ns3_VERSION AND ns3_VERSION VERSION_GREATER_EQUAL 3.42)
  set(MPTCP_CXX_STANDARD 20)
endif()

# ns-3's Python wheel (`pip install ns3`, in .venv/ from
# scripts/install-deps.sh; scripts/build.sh --ns3 wheel) ships CMake files
# that still name directories and libraries of the machine it was built
# on (/usr/include/glib-2.0, /usr/lib64/libgsl.so, /opt/python/...): keep
# the wheel's own include directory and drop the absolute paths that do
# not exist here, which CMake would otherwise refuse.
if(MPTCP_NS3_WHEEL)
  get_directory_property(_mptcp_imported IMPORTED_TARGETS)
  foreach(t ${_mptcp_imported})
    if(NOT t MATCHES "^ns3::")
      continue()
    endif()
    set_target_properties(${t} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES
                          "${MPTCP_NS3_WHEEL}/include")
    get_target_property(_links ${t} INTERFACE_LINK_LIBRARIES)
    if(_links)
      set(_kept)
      foreach(l ${_links})
        if(l MATCHES "^/" AND NOT EXISTS "${l}")
          continue()
        endif()
        list(APPEND _kept "${l}")
      endforeach()
      set_target_properties(${t} PROPERTIES INTERFACE_LINK_LIBRARIES "${_kept}")
    endif()
  endforeach()
  message(STATUS "mptcp: ns-3 from the Python wheel in ${MPTCP_NS3_WHEEL}")
endif()

# Give every installed ns-3 module the variable name ns-3's own tree uses
# (libcore -> ns3::libcore), so examples/CMakeLists.txt is the same file in
# both modes.
set(_mptcp_ns3_libs)
# (ns-3 3.37 installs ns3::libcore; later releases, the wheel among them,
# ns3::core: an alias with the older name is made for those.)
foreach(dep ${MPTCP_NS3_DEPENDENCIES} applications point-to-point csma traffic-control
            flow-monitor stats bridge mobility)
  if(NOT TARGET ns3::lib${dep} AND TARGET ns3::${dep})
    add_library(mptcp_ns3_${dep} INTERFACE IMPORTED)
    set_target_properties(mptcp_ns3_${dep} PROPERTIES INTERFACE_LINK_LIBRARIES ns3::${dep})
    add_library(ns3::lib${dep} ALIAS mptcp_ns3_${dep})
  endif()
endforeach()
foreach(dep ${MPTCP_NS3_DEPENDENCIES})
  if(NOT TARGET ns3::lib${dep})
    message(FATAL_ERROR "The installed ns-3 has no ${dep} module (ns3::lib${dep})")
  endif()
  list(APPEND _mptcp_ns3_libs ns3::lib${dep})
endforeach()

# Headers are used as "ns3/<name>.h", as inside an ns-3 tree: copy them to
# <build>/include/ns3 (configure_file reruns CMake when one changes).
set(MPTCP_NS3_INCLUDE_DIR ${CMAKE_BINARY_DIR}/include)
foreach(header ${MPTCP_NS3_HEADERS})
  get_filename_component(name ${header} NAME)
  configure_file(${MPTCP_NS3_ROOT}/${header}
                 ${MPTCP_NS3_INCLUDE_DIR}/ns3/${name} COPYONLY)
endforeach()

# ns3/mptcp-module.h includes every public header, as the aggregate header
# ns-3 generates for each module of a source tree.
set(_mptcp_aggregate "// Generated by cmake/ns3-module.cmake: every public header of the mptcp module.\n#ifndef NS3_MPTCP_MODULE_H\n#define NS3_MPTCP_MODULE_H\n")
foreach(header ${MPTCP_NS3_HEADERS})
  get_filename_component(name ${header} NAME)
  string(APPEND _mptcp_aggregate "#include \"ns3/${name}\"\n")
endforeach()
string(APPEND _mptcp_aggregate "#endif\n")
file(CONFIGURE OUTPUT ${MPTCP_NS3_INCLUDE_DIR}/ns3/mptcp-module.h CONTENT "${_mptcp_aggregate}")

set(MPTCP_NS3_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Werror)
# ns-3's "default" and "debug" profiles enable NS_LOG and NS_ASSERT.
set(MPTCP_NS3_DEFINES
    $<$<NOT:$<OR:$<CONFIG:Release>,$<CONFIG:MinSizeRel>>>:NS3_LOG_ENABLE>
    $<$<NOT:$<OR:$<CONFIG:Release>,$<CONFIG:MinSizeRel>>>:NS3_ASSERT_ENABLE>
)

list(TRANSFORM MPTCP_NS3_SOURCES PREPEND ${MPTCP_NS3_ROOT}/
     OUTPUT_VARIABLE _mptcp_ns3_sources)
list(TRANSFORM MPTCP_NS3_HEADERS PREPEND ${MPTCP_NS3_ROOT}/
     OUTPUT_VARIABLE _mptcp_ns3_headers)

add_library(ns3-mptcp SHARED ${_mptcp_ns3_sources} ${_mptcp_ns3_headers})
set_target_properties(ns3-mptcp PROPERTIES
  CXX_STANDARD ${MPTCP_CXX_STANDARD} CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
target_compile_options(ns3-mptcp PRIVATE ${MPTCP_NS3_WARNINGS})
target_compile_definitions(ns3-mptcp PRIVATE ${MPTCP_NS3_DEFINES})
target_include_directories(ns3-mptcp
  PUBLIC $<BUILD_INTERFACE:${MPTCP_NS3_INCLUDE_DIR}> $<BUILD_INTERFACE:${MPTCP_CORE_INCLUDE}>
         $<INSTALL_INTERFACE:include>
  PRIVATE ${MPTCP_NS3_ROOT}/model ${MPTCP_NS3_ROOT}/helper
          ${MPTCP_NS3_GENERATED_DIR})
# The fluid models (utils/theory, GSL) give the scenarios' predictions.
target_link_libraries(ns3-mptcp PUBLIC ${_mptcp_ns3_libs}
                      PRIVATE mptcp-core mptcp-theory-lib mptcp-fastsim SQLite::SQLite3)
add_library(ns3::libmptcp ALIAS ns3-mptcp)
set(libmptcp ns3-mptcp)
include(${MPTCP_NS3_ROOT}/cmake/mptcp-install.cmake)

# build_lib_example() as ns-3 defines it, for examples/CMakeLists.txt.
function(build_lib_example)
  cmake_parse_arguments(EX "" "NAME" "SOURCE_FILES;HEADER_FILES;LIBRARIES_TO_LINK"
                        ${ARGN})
  add_executable(${EX_NAME} ${EX_SOURCE_FILES} ${EX_HEADER_FILES})
  set_target_properties(${EX_NAME} PROPERTIES
    CXX_STANDARD ${MPTCP_CXX_STANDARD} CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
  target_compile_options(${EX_NAME} PRIVATE ${MPTCP_NS3_WARNINGS})
  target_compile_definitions(${EX_NAME} PRIVATE ${MPTCP_NS3_DEFINES})
  target_link_libraries(${EX_NAME} PRIVATE ns3-mptcp ${EX_LIBRARIES_TO_LINK})
endfunction()
if(EXISTS ${MPTCP_NS3_ROOT}/examples/CMakeLists.txt)
  foreach(target IN ITEMS applications point-to-point csma traffic-control
                          flow-monitor stats bridge mobility)
    if(TARGET ns3::lib${target})
      set(lib${target} ns3::lib${target})
    endif()
  endforeach()
  foreach(dep ${MPTCP_NS3_DEPENDENCIES})
    set(lib${dep} ns3::lib${dep})
  endforeach()
  add_subdirectory(${MPTCP_NS3_ROOT}/examples ${CMAKE_BINARY_DIR}/examples)
endif()

if(MPTCP_TESTS)
  enable_testing()
  list(TRANSFORM MPTCP_NS3_TEST_SOURCES PREPEND ${MPTCP_NS3_ROOT}/
       OUTPUT_VARIABLE _mptcp_ns3_test_sources)
  add_executable(mptcp-ns3-test-runner
                 ${MPTCP_NS3_ROOT}/test/ns3/mptcp-test-runner.cc
                 ${_mptcp_ns3_test_sources})
  set_target_properties(mptcp-ns3-test-runner PROPERTIES
    CXX_STANDARD ${MPTCP_CXX_STANDARD} CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
  target_compile_options(mptcp-ns3-test-runner PRIVATE ${MPTCP_NS3_WARNINGS})
  target_compile_definitions(mptcp-ns3-test-runner PRIVATE ${MPTCP_NS3_DEFINES}
                             NS_TEST_SOURCEDIR="test/ns3")
  # The suites call the core's codec directly, to compare bytes with it, and
  # read the results files back with SQLite's C API.
  target_link_libraries(mptcp-ns3-test-runner PRIVATE ns3-mptcp mptcp-core
                        SQLite::SQLite3)

  # One ctest test per TestSuite. TestRunner exits non-zero when the suite
  # fails, and also when no suite has that name.
  foreach(suite ${MPTCP_NS3_TEST_SUITES})
    add_test(NAME ns3.${suite}
             COMMAND mptcp-ns3-test-runner --suite=${suite} --verbose)
    set_tests_properties(ns3.${suite} PROPERTIES LABELS ns3 TIMEOUT 300)
  endforeach()

  # doc/mptcp.rst's attribute tables are generated from the TypeIds; the
  # test fails when they differ (regenerate with check_attribute_table.py
  # PROGRAM doc/mptcp.rst --update).
  add_executable(mptcp-attribute-table ${MPTCP_NS3_ROOT}/test/ns3/mptcp-attribute-table.cc)
  set_target_properties(mptcp-attribute-table PROPERTIES
    CXX_STANDARD ${MPTCP_CXX_STANDARD} CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
  target_compile_options(mptcp-attribute-table PRIVATE ${MPTCP_NS3_WARNINGS})
  target_compile_definitions(mptcp-attribute-table PRIVATE ${MPTCP_NS3_DEFINES})
  target_link_libraries(mptcp-attribute-table PRIVATE ns3-mptcp)
  find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
  add_test(NAME ns3.doc_attributes
           COMMAND ${Python3_EXECUTABLE} ${MPTCP_NS3_ROOT}/test/ns3/check_attribute_table.py
                   $<TARGET_FILE:mptcp-attribute-table> ${MPTCP_NS3_ROOT}/doc/mptcp.rst)
  set_tests_properties(ns3.doc_attributes PROPERTIES LABELS ns3 TIMEOUT 120)

  # End-to-end checks of the flagship example (test/ns3/test_scenario.py)
  # and the calibration of the engine's single-path TCP against ns-3's TCP
  # on the shared bottleneck, ten seeds (test/ns3/calibration.py,
  # doc/calibration.md).
  if(TARGET mptcp-shared-bottleneck)
    find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
    foreach(check fairness determinism badargs pcap flowmonitor fallback outputs plot
                  attributes rerun noratio killed docsql config
                  fallback_calibration interfaces progress runinfo)
      add_test(NAME ns3.scenario_${check}
               COMMAND ${Python3_EXECUTABLE}
                       ${MPTCP_NS3_ROOT}/test/ns3/test_scenario.py
                       $<TARGET_FILE:mptcp-shared-bottleneck> ${check})
      set_tests_properties(ns3.scenario_${check} PROPERTIES LABELS ns3 TIMEOUT 900)
    endforeach()
    # statistics over many seeds: label "long" (the sanitizer pass skips
    # them; its point is memory safety, which the shorter checks cover).
    # Each prints its cost (runs, simulated seconds, wall seconds) last.
    # On 2 idle cores they take about 35 s (fallback_calibration), 125 s
    # (calibration) and 165 s (fairness): the timeouts leave ten times that,
    # for a loaded machine. COST starts them first, so that they do not
    # end a parallel ctest run alone.
    set_tests_properties(ns3.scenario_fairness ns3.scenario_fallback_calibration
                         PROPERTIES LABELS "ns3;long" TIMEOUT 1800 COST 1000)
    # The same rate strings through mptcp-loopback and the flagship.
    add_test(NAME ns3.rate_units
             COMMAND ${Python3_EXECUTABLE} ${MPTCP_NS3_ROOT}/test/ns3/test_rates.py
                     $<TARGET_FILE:mptcp-loopback> $<TARGET_FILE:mptcp-shared-bottleneck>
                     ${MPTCP_NS3_ROOT}/test/ns3/mptcp-rate-strings.inc)
    set_tests_properties(ns3.rate_units PROPERTIES LABELS ns3 TIMEOUT 300)
    add_test(NAME ns3.calibration
             COMMAND ${Python3_EXECUTABLE}
                     ${MPTCP_NS3_ROOT}/test/ns3/calibration.py
                     $<TARGET_FILE:mptcp-shared-bottleneck>)
    set_tests_properties(ns3.calibration PROPERTIES LABELS "ns3;long" TIMEOUT 1800 COST 1000)
  endif()
  # Path events scripted from ns-3: backup subflow, a path that fails.
  if(TARGET mptcp-path-events)
    find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
    add_test(NAME ns3.path_events
             COMMAND ${Python3_EXECUTABLE} ${MPTCP_NS3_ROOT}/test/ns3/test_path_events.py
                     $<TARGET_FILE:mptcp-path-events>)
    set_tests_properties(ns3.path_events PROPERTIES LABELS ns3 TIMEOUT 300)
    # the same on the fast engine (doc/fast-mode.md), and its determinism
    add_test(NAME fast.path_events
             COMMAND ${Python3_EXECUTABLE} ${MPTCP_NS3_ROOT}/test/ns3/test_path_events.py
                     $<TARGET_FILE:mptcp-path-events> --engine=fast)
    set_tests_properties(fast.path_events PROPERTIES LABELS ns3 TIMEOUT 300)
  endif()
  # The attack scenario: each attack with its defence on and off.
  if(TARGET mptcp-attack)
    find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
    add_test(NAME ns3.attack
             COMMAND ${Python3_EXECUTABLE} ${MPTCP_NS3_ROOT}/test/ns3/test_attack.py
                     $<TARGET_FILE:mptcp-attack>)
    set_tests_properties(ns3.attack PROPERTIES LABELS ns3 TIMEOUT 600)
  endif()
  # The traffic-shaping scenario: a greedy host under each queue discipline.
  if(TARGET mptcp-shaping)
    find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
    add_test(NAME ns3.shaping
             COMMAND ${Python3_EXECUTABLE} ${MPTCP_NS3_ROOT}/test/ns3/test_shaping.py
                     $<TARGET_FILE:mptcp-shaping>)
    set_tests_properties(ns3.shaping PROPERTIES LABELS ns3 TIMEOUT 600)
  endif()
  # The campaign tool over the flagship: SIGKILL and resume, a failing
  # point, the summary (mptcp-summary, GSL) and the plot with error bars.
  if(TARGET mptcp-shared-bottleneck AND TARGET mptcp-summary)
    find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
    add_test(NAME ns3.campaign
             COMMAND ${Python3_EXECUTABLE} ${MPTCP_NS3_ROOT}/test/ns3/test_campaign.py
                     $<TARGET_FILE:mptcp-shared-bottleneck> $<TARGET_FILE:mptcp-summary>)
    set_tests_properties(ns3.campaign PROPERTIES LABELS ns3 TIMEOUT 1200
                         ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
    # The Slurm engine on a one-node cluster the test starts (munge,
    # slurmctld, slurmd): the same campaign.db as the local engine.
    add_test(NAME ns3.campaign_slurm
             COMMAND ${Python3_EXECUTABLE} ${MPTCP_NS3_ROOT}/test/ns3/test_campaign_slurm.py
                     $<TARGET_FILE:mptcp-shared-bottleneck>)
    set_tests_properties(ns3.campaign_slurm PROPERTIES LABELS ns3 TIMEOUT 900
                         ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1;MPTCP_SUMMARY=$<TARGET_FILE:mptcp-summary>")
  endif()
  # Responsiveness: TCP flows join one path and leave; settling times.
  if(TARGET mptcp-responsiveness)
    find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
    add_test(NAME ns3.responsiveness
             COMMAND ${Python3_EXECUTABLE} ${MPTCP_NS3_ROOT}/test/ns3/test_responsiveness.py
                     $<TARGET_FILE:mptcp-responsiveness>)
    set_tests_properties(ns3.responsiveness PROPERTIES LABELS ns3 TIMEOUT 600)
  endif()
  # Khalili et al.'s scenarios A, B, C (short): capacity, RED, the paper's
  # qualitative outcome, determinism, results.db, bad options.
  if(TARGET mptcp-khalili-c)
    find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
    add_test(NAME ns3.khalili
             COMMAND ${Python3_EXECUTABLE} ${MPTCP_NS3_ROOT}/test/ns3/test_khalili.py
                     $<TARGET_FILE:mptcp-khalili-a> $<TARGET_FILE:mptcp-khalili-b>
                     $<TARGET_FILE:mptcp-khalili-c>)
    # whole scenarios of 20 to 50 users: "long", out of the sanitizer pass
    # (the network helper they use is in ns3.mptcp-topology there)
    set_tests_properties(ns3.khalili PROPERTIES LABELS "ns3;long" TIMEOUT 900)
  endif()
  # A FatTree with flow-hash ECMP: MPTCP against TCP on a permutation.
  if(TARGET mptcp-fattree)
    find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
    add_test(NAME ns3.fattree
             COMMAND ${Python3_EXECUTABLE} ${MPTCP_NS3_ROOT}/test/ns3/test_fattree.py
                     $<TARGET_FILE:mptcp-fattree>)
    # 16 hosts at 100 Mbit/s: "long", out of the sanitizer pass (flow-hash
    # ECMP is in ns3.mptcp-topology there)
    set_tests_properties(ns3.fattree PROPERTIES LABELS "ns3;long" TIMEOUT 900 COST 500)
  endif()
  # WiFi plus 3G: schedulers, opportunistic retransmission, buffer size.
  if(TARGET mptcp-wifi-3g)
    find_package(Python3 3.11 REQUIRED COMPONENTS Interpreter)
    add_test(NAME ns3.wifi3g
             COMMAND ${Python3_EXECUTABLE} ${MPTCP_NS3_ROOT}/test/ns3/test_wifi3g.py
                     $<TARGET_FILE:mptcp-wifi-3g>)
    set_tests_properties(ns3.wifi3g PROPERTIES LABELS ns3 TIMEOUT 600)
  endif()
endif()
