"""The Debian 12 package versions make_set.sh downloads, and the licence each record of a package carries (the one
the package's copyright file gives for the excerpted files)."""
VER={'apt':'2.6.1','dpkg':'1.21.23','man-db':'2.11.2-2','debhelper':'13.11.4','dpkg-dev':'1.21.23',
 'debconf-doc':'1.5.82','coreutils':'9.1-1','grep':'3.8-5','tar':'1.34+dfsg-1.2+deb12u1','findutils':'4.9.0-4',
 'manpages-es':'4.18.1-1','manpages-pt-br':'4.18.1-1','bc':'1.07.1-3+b1','cscope':'15.9-1','ed':'1.19-1',
 'gnupg':'2.2.40-1.1+deb12u2','jq':'1.6-2.1+deb12u2','libexpat1':'2.5.0-1+deb12u2','libidn2-0':'2.3.3-1+b1',
 'liblzma5':'5.4.1-1+deb12u1','libsodium23':'1.0.18-1+deb12u1','libtasn1-6':'4.19.0-2+deb12u1','make':'4.3-4.1',
 'patch':'2.7.6-7','sed':'4.9-1+deb12u1','time':'1.9-0.2','wget':'1.21.3-1+deb12u1','po4a':'0.69-1',
 'fakeroot':'1.31-1.2','debianutils':'5.7-0.5~deb12u1','base-passwd':'3.6.1','procps':'2:4.0.2-3','psmisc':'23.6-1',
 'passwd':'1:4.13+dfsg1-1+deb12u2','debian-history':'2.28','sensible-utils':'0.0.17+nmu1','apt-utils':'2.6.1'}
LIC={'apt':'GPL-2+','dpkg':'GPL-2+','dpkg-dev':'GPL-2+','man-db':'GPL-2+','debhelper':'GPL-2+',
 'debconf-doc':'BSD-2-clause','coreutils':'GPL-3+','grep':'GPL-3+','tar':'GPL-3+','findutils':'GPL-3+',
 'manpages-es':'GPL-3+','manpages-pt-br':'GPL-3+','bc':'GPL-2+','cscope':'BSD-3-clause','ed':'GPL-2+',
 'gnupg':'GPL-3+','jq':'MIT','libexpat1':'MIT','libidn2-0':'LGPL-3+ or GPL-2+','liblzma5':'public-domain',
 'libsodium23':'ISC','libtasn1-6':'LGPL-2.1+','make':'GPL-3+','patch':'GPL-3+','sed':'GPL-3+','time':'GPL-3+',
 'wget':'GPL-3+','po4a':'GPL-2+','fakeroot':'GPL-3+','debianutils':'GPL-2+','base-passwd':'GPL-2','procps':'GPL-2+',
 'psmisc':'GPL-2+','passwd':'BSD-3-clause','debian-history':'GPL-2+','sensible-utils':'GPL-2+','apt-utils':'GPL-2+'}
