# SPDX-License-Identifier: GPL-2.0-only
#
# Installation of the standalone build (cmake --install build [--prefix P]):
#   lib/libns3-mptcp.so                    the module (the core linked in)
#   include/ns3/mptcp-*.h, mptcp-module.h  its headers, used as "ns3/..."
#   include/mptcp/mptcp.h                  the core's public header
#   lib/cmake/ns3-mptcp/                   find_package(ns3-mptcp): target
#                                          ns3::libmptcp
#   lib/pkgconfig/ns3-mptcp.pc             for builds without CMake
# examples/template/ is a program of one's own built against it; the test
# install.template builds and runs it against a fresh prefix.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(MPTCP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ns3-mptcp)

set_target_properties(ns3-mptcp PROPERTIES EXPORT_NAME libmptcp
                      VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
install(TARGETS ns3-mptcp EXPORT ns3-mptcp-targets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

list(TRANSFORM MPTCP_NS3_HEADERS PREPEND ${MPTCP_NS3_ROOT}/
     OUTPUT_VARIABLE _mptcp_install_headers)
install(FILES ${_mptcp_install_headers} ${MPTCP_NS3_INCLUDE_DIR}/ns3/mptcp-module.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ns3)
install(FILES ${MPTCP_CORE_INCLUDE}/mptcp/mptcp.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mptcp)

install(EXPORT ns3-mptcp-targets NAMESPACE ns3::
        FILE ns3-mptcpTargets.cmake DESTINATION ${MPTCP_CMAKE_DIR})
configure_package_config_file(
  ${MPTCP_NS3_ROOT}/cmake/templates/ns3-mptcpConfig.cmake.in
  ${CMAKE_BINARY_DIR}/ns3-mptcpConfig.cmake
  INSTALL_DESTINATION ${MPTCP_CMAKE_DIR})
write_basic_package_version_file(
  ${CMAKE_BINARY_DIR}/ns3-mptcpConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/ns3-mptcpConfig.cmake
              ${CMAKE_BINARY_DIR}/ns3-mptcpConfigVersion.cmake
        DESTINATION ${MPTCP_CMAKE_DIR})

# pkg-config: ns-3 installs one .pc file per module (ns3-core.pc, ...).
set(MPTCP_PC_REQUIRES)
foreach(dep ${MPTCP_NS3_DEPENDENCIES})
  string(APPEND MPTCP_PC_REQUIRES " ns3-${dep}")
endforeach()
file(RELATIVE_PATH MPTCP_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
     ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" MPTCP_PC_TO_PREFIX "${MPTCP_PC_TO_PREFIX}")
configure_file(${MPTCP_NS3_ROOT}/cmake/templates/ns3-mptcp.pc.in
               ${CMAKE_BINARY_DIR}/ns3-mptcp.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/ns3-mptcp.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
