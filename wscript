# SPDX-License-Identifier: GPL-2.0-only
# -*- Mode: python; py-indent-offset: 4; indent-tabs-mode: nil; coding: utf-8; -*-
#
# The waf build of ns-3 (ns-3.35 and older) is not supported: the mptcp
# module needs ns-3 3.37 or later, which builds with CMake (the module's
# CMakeLists.txt serves both an ns-3 source tree and an installed ns-3).
#
# This was checked in an ns-3.35 tree: the module's library compiles there,
# but its test suites schedule lambdas with Simulator::Schedule, which
# ns-3.35 does not accept (ns-3.36 added it), and nothing older than 3.37
# is tested. So rather than build something untested, configuring a waf
# tree with this folder as contrib/mptcp stops here, with the reason.
# test/tools/test_wscript.py runs this file as waf would and checks it.

MINIMUM_NS3 = '3.37'

MESSAGE = ('contrib/mptcp needs ns-3 %s or later, which builds with CMake: '
           'this ns-3 tree builds with waf (ns-3.35 or older). Use a newer '
           'ns-3 release or ns-3-dev (./ns3 configure --enable-modules=mptcp), '
           'or build the module standalone against an installed ns-3 >= %s '
           '(README, "Building").' % (MINIMUM_NS3, MINIMUM_NS3))


def options(opt):
    pass


def configure(conf):
    conf.fatal(MESSAGE)


def build(bld):
    bld.fatal(MESSAGE)
