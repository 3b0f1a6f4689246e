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
]


def configure(conf):
    # The core's HMAC-SHA256 and SHA-256 come from nettle.
    conf.check_cfg(package='nettle', uselib_store='NETTLE',
                   args=['--cflags', '--libs'], mandatory=True)


def build(bld):
    module = bld.create_ns3_module('mptcp', ['core', 'network', 'internet'])
    module.features += ' c'
    module.source = [
        'model/mptcp-tcp-header.cc',
    ] + CORE_SOURCES
    # "mptcp/mptcp.h" is included by the module's public header, so users
    # of the module (its tests, examples) need the path as well.
    module.includes = ['model/core/include', 'model/core/src']
    module.export_includes = ['model/core/include']
    # The module's task generator carries C++ shared-library flags only;
    # the C objects need position-independent code of their own.
    module.cflags = ['-std=c11', '-fPIC']
    module.use.append('NETTLE')

    module_test = bld.create_ns3_module_test_library('mptcp')
    module_test.source = [
        'test/ns3/mptcp-header-test-suite.cc',
    ]

    headers = bld(features='ns3header')
    headers.module = 'mptcp'
    headers.source = [
        'model/mptcp-tcp-header.h',
    ]

    if bld.env.ENABLE_EXAMPLES and bld.path.find_node('examples/wscript'):
        bld.recurse('examples')
