# SPDX-License-Identifier: GPL-2.0-only
# -*- Mode: python; py-indent-offset: 4; indent-tabs-mode: nil; coding: utf-8; -*-
#
# Build script for waf-based ns-3 trees (ns-3.35 and older), with this
# folder as contrib/mptcp. It is kept for users of those releases and has
# not been run: no waf-based ns-3 is available where the module is
# developed and tested. The supported builds are the CMake ones (an ns-3
# tree >= 3.37, or standalone against an installed ns-3); see
# cmake/ns3-module.cmake, which lists the same files.

# The plain C11 core, compiled into the module library.
CORE_SOURCES = [
    'model/core/src/options.c',
    'model/core/src/csum.c',
    'model/core/src/crypto.c',
    'model/core/src/util.c',
    'model/core/src/rangeset.c',
    'model/core/src/stack.c',
    'model/core/src/conn.c',
    'model/core/src/tcp_input.c',
    'model/core/src/tcp_output.c',
    'model/core/src/tcp_recovery.c',
    'model/core/src/cc.c',
    'model/core/src/registry.c',
    'model/core/src/mptcp_proto.c',
    'model/core/src/mptcp_join.c',
    'model/core/src/pm.c',
    'model/core/src/sched.c',
    'model/core/src/rate.c',
    'model/core/src/attack.c',
    'model/core/src/attack_signals.c',
]

# Algorithms: every cc_*.c, sched_*.c and pm_*.c, each registered by one
# line of model/core/src/algos.def (as model/core/CMakeLists.txt globs them).
import glob as _glob
import os as _os
_here = _os.path.dirname(_os.path.abspath(__file__))
CORE_SOURCES += sorted(
    _os.path.relpath(f, _here)
    for pat in ('cc_*.c', 'sched_*.c', 'pm_*.c')
    for f in _glob.glob(_os.path.join(_here, 'model', 'core', 'src', pat)))

SOURCES = [
    'model/mptcp-tcp-header.cc',
    'model/mptcp-l4-protocol.cc',
    'model/mptcp-socket.cc',
    'model/mptcp-socket-factory.cc',
    'helper/mptcp-helper.cc',
    'helper/mptcp-scenario.cc',
    'helper/mptcp-output.cc',
    'helper/mptcp-results.cc',
    'helper/mptcp-plot.cc',
    'helper/mptcp-stats.cc',
    'helper/mptcp-topology.cc',
]

HEADERS = [x.replace('.cc', '.h') for x in SOURCES]


def configure(conf):
    # The core's HMAC-SHA256 and SHA-256 come from nettle.
    conf.check_cfg(package='nettle', uselib_store='NETTLE',
                   args=['--cflags', '--libs'], mandatory=True)
    # Run results are written with SQLite.
    conf.check_cfg(package='sqlite3', uselib_store='SQLITE3',
                   args=['--cflags', '--libs'], mandatory=True)


def write_schema_header(bld):
    """helper/mptcp-results-schema.h.in with scripts/results_schema.sql
    pasted in, as cmake/ns3-module.cmake does."""
    sql = bld.path.find_node('scripts/results_schema.sql').read()
    template = bld.path.find_node('helper/mptcp-results-schema.h.in').read()
    out = bld.path.get_bld().make_node('mptcp-generated/mptcp-results-schema.h')
    out.parent.mkdir()
    out.write(template.replace('@MPTCP_RESULTS_SCHEMA_SQL@', sql))
    return out.parent


def build(bld):
    module = bld.create_ns3_module('mptcp', ['core', 'network', 'internet', 'applications',
                                             'point-to-point', 'traffic-control',
                                             'flow-monitor'])
    module.features += ' c'
    module.source = SOURCES + CORE_SOURCES
    # "mptcp/mptcp.h" is included by the module's public header, so users
    # of the module (its tests, examples) need the path as well.
    generated = write_schema_header(bld)
    module.includes = ['model/core/include', 'model/core/src', 'model', 'helper',
                       generated.abspath()]
    module.export_includes = ['model/core/include']
    # The module's task generator carries C++ shared-library flags only;
    # the C objects need position-independent code of their own.
    module.cflags = ['-std=c11', '-fPIC']
    module.use.append('NETTLE')
    module.use.append('SQLITE3')

    module_test = bld.create_ns3_module_test_library('mptcp')
    module_test.source = [
        'test/ns3/mptcp-header-test-suite.cc',
        'test/ns3/mptcp-socket-test-suite.cc',
        'test/ns3/mptcp-results-test-suite.cc',
        'test/ns3/mptcp-topology-test-suite.cc',
        'test/ns3/mptcp-rate-test-suite.cc',
    ]

    headers = bld(features='ns3header')
    headers.module = 'mptcp'
    headers.source = HEADERS

    if bld.env.ENABLE_EXAMPLES and bld.path.find_node('examples/wscript'):
        bld.recurse('examples')
