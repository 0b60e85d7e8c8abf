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
# dev3 (Portuguese man pages, gettext catalogues and manuals of other packages)
VER.update({'adduser':'3.134','apt-listbugs':'0.1.40','apt-listchanges':'3.24','aptitude-common':'0.8.13-5',
 'dctrl-tools':'2.24-3+b1','debdelta':'0.67','deborphan':'1.7.35','debsums':'3.0.2.1','dselect':'1.21.23',
 'gettext':'0.21-12','kbd':'2.5.1-1+b1','login':'1:4.13+dfsg1-1+deb12u2','synaptic':'0.91.3','tasksel':'3.73',
 'unattended-upgrades':'2.9.1+nmu3','iso-codes':'4.15.0-1','system-config-printer-common':'1.5.18-1',
 'libglib2.0-data':'2.74.6-2+deb12u9','libgtk2.0-common':'2.24.33-2+deb12u1','libgtk-3-common':'3.24.38-2~deb12u3',
 'gsettings-desktop-schemas':'43.0-1','libgstreamer1.0-0':'1.22.0-2+deb12u1','libexif12':'0.6.24-1+deb12u1',
 'net-tools':'2.10-0.1+deb12u2','libpam-runtime':'1.5.2-6+deb12u2','python-apt-common':'2.6.0',
 'appstream':'0.16.1-2+b1','shared-mime-info':'2.2-1','git':'1:2.39.5-0+deb12u3','cups-pk-helper':'0.2.6-1+b1',
 'libpopt0':'1.19+dfsg-1','systemd':'252.39-1~deb12u2','po-debconf':'1.0.21+nmu1','nmap':'7.93+dfsg1-1',
 'debian-edu-doc-pt-br':'2.12.23~deb12u1','debian-edu-doc-pt-pt':'2.12.23~deb12u1','debian-reference-pt':'2.100',
 'debian-reference-pt-br':'2.100'})
# dev3 (Portuguese man pages, gettext catalogues and manuals of other packages)
LIC.update({'adduser':'GPL-2+','apt-listbugs':'GPL-2+','apt-listchanges':'GPL-2+','aptitude-common':'GPL-2+',
 'dctrl-tools':'GPL-2+','debdelta':'GPL-2','deborphan':'MIT','debsums':'GPL-2+','dselect':'GPL-2+',
 'gettext':'GPL-3+','kbd':'GPL-2+','login':'BSD-3-clause','synaptic':'GPL-2+','tasksel':'GPL-2',
 'unattended-upgrades':'GPL-2+','iso-codes':'LGPL-2.1+','system-config-printer-common':'GPL-2+',
 'libglib2.0-data':'LGPL-2.1+','libgtk2.0-common':'LGPL-2+','libgtk-3-common':'LGPL-2+',
 'gsettings-desktop-schemas':'LGPL-2.1+','libgstreamer1.0-0':'LGPL-2+','libexif12':'LGPL-2.1+','net-tools':'GPL-2+',
 'libpam-runtime':'BSD-3-clause or GPL','python-apt-common':'GPL-2+','appstream':'LGPL-2.1+',
 'shared-mime-info':'GPL-2+','git':'GPL-2','cups-pk-helper':'GPL-2+','libpopt0':'MIT','systemd':'LGPL-2.1+',
 'po-debconf':'GPL-2+','nmap':'nmap-GPL-2','debian-edu-doc-pt-br':'GPL-2+','debian-edu-doc-pt-pt':'GPL-2+',
 'debian-reference-pt':'GPL-2+','debian-reference-pt-br':'GPL-2+'})
# dev3, Spanish
VER.update({'apt-show-versions':'0.22.13+nmu1','debian-reference-es':'2.100'})
LIC.update({'apt-show-versions':'GPL-2','debian-reference-es':'GPL-2+'})
VER.update({'debian-handbook':'11.20220922'})
LIC.update({'debian-handbook':'GPL-2+ or CC-BY-SA-3.0'})
